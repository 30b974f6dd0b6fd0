/*
 * nbd-test-server: a small host for the NBD server until the storage
 * daemon wires it up.  Opens block graphs from --image-opts style
 * strings and serves them on a unix socket (or TCP).
 *
 *   nbd-test-server -k SOCKET [--tcp HOST:PORT] [--max-connections N]
 *                   [--pidfile FILE] [--object OBJ]... [--tls-creds ID]
 *                   [--tls-authz ID]
 *                   { [-n NAME] [-w] [-t] [-D DESCRIPTION] IMAGE-OPTS }...
 *
 * -n/-w/-t/-D apply to the next IMAGE-OPTS ("driver=raw,file.filename=x"
 * or a plain raw filename).  Once listening it prints "ready" on stdout.
 * Commands on stdin, one per line, answer "ok" or "error: MSG":
 *   del ID [hard]    delete an export (block-export-del)
 *   add NAME OPTS [rw|ro [ID]]   (ID defaults to NAME)
 *   clients          print the number of connected clients
 *   exports          print "ID NAME NODE shutting-down" per export
 *   stop             nbd_server_stop()
 *   quit             exit
 * Deleted exports print "event BLOCK_EXPORT_DELETED ID".
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/nbd.h"
#include "crypto/tlscreds.h"
#include <getopt.h>
#include <signal.h>
#include <sys/signalfd.h>

static bool quit;
static int node_counter;
static GString *stdin_buf;

static void export_deleted(const char *id, void *opaque)
{
    printf("event BLOCK_EXPORT_DELETED %s\n", id);
    fflush(stdout);
}

static NBDExport *add_export(const char *id, const char *name,
                             const char *spec, bool writable,
                             bool writethrough, const char *desc,
                             Error **errp)
{
    NBDExportOptions opts = {
        .name = name, .description = desc,
        .writable = writable, .writethrough = writethrough,
    };
    char node[32];
    QDict *options;
    BlockDriverState *bs;
    NBDExport *exp;

    snprintf(node, sizeof(node), "node%d", node_counter++);
    if (strchr(spec, '=')) {
        options = keyval_parse_flat(spec, NULL, errp);
        if (!options) {
            return NULL;
        }
        spec = NULL;
    } else {
        options = qdict_new();
        qdict_put_str(options, "driver", "raw");
    }
    if (!qdict_haskey(options, "node-name")) {
        qdict_put_str(options, "node-name", node);
    }
    bs = bdrv_open(spec, NULL, options, writable ? BDRV_O_RDWR : 0, errp);
    if (!bs) {
        return NULL;
    }
    opts.id = id ? id : *name ? name : "default";
    exp = nbd_export_add(bs, &opts, errp);
    bdrv_unref(bs);     /* the export holds the graph now */
    return exp;
}

static void run_command(char *line)
{
    g_auto(GStrv) argv = g_strsplit_set(g_strstrip(line), " ", -1);
    int argc = g_strv_length(argv);
    Error *err = NULL;

    if (argc == 0 || !*argv[0]) {
        return;
    }
    if (!strcmp(argv[0], "del") && argc >= 2) {
        nbd_export_del(argv[1], argc > 2 && !strcmp(argv[2], "hard") ?
                       NBD_EXPORT_DEL_HARD : NBD_EXPORT_DEL_SAFE, &err);
    } else if (!strcmp(argv[0], "add") && argc >= 3) {
        add_export(argc > 4 ? argv[4] : NULL, argv[1], argv[2],
                   argc > 3 && !strcmp(argv[3], "rw"), false, NULL, &err);
    } else if (!strcmp(argv[0], "clients")) {
        printf("%d\n", nbd_server_client_count());
    } else if (!strcmp(argv[0], "exports")) {
        for (NBDExport *e = nbd_export_next(NULL); e; e = nbd_export_next(e)) {
            printf("%s %s %s %s\n", nbd_export_id(e), nbd_export_name(e),
                   nbd_export_node_name(e),
                   nbd_export_shutting_down(e) ? "true" : "false");
        }
    } else if (!strcmp(argv[0], "stop")) {
        nbd_server_stop(&err);
    } else if (!strcmp(argv[0], "quit")) {
        quit = true;
    } else {
        error_setg(&err, "unknown command '%s'", argv[0]);
    }
    if (err) {
        printf("error: %s\n", error_get_pretty(err));
        error_free(err);
    } else {
        printf("ok\n");
    }
    fflush(stdout);
}

static void stdin_ready(void *opaque)
{
    char buf[4096];
    ssize_t n = read(0, buf, sizeof(buf));
    char *nl;

    if (n <= 0) {
        aio_set_fd_handler(0, NULL, NULL, NULL);
        return;         /* no more commands; keep serving until a signal */
    }
    g_string_append_len(stdin_buf, buf, n);
    while ((nl = memchr(stdin_buf->str, '\n', stdin_buf->len))) {
        g_autofree char *line = g_strndup(stdin_buf->str,
                                          nl - stdin_buf->str);

        g_string_erase(stdin_buf, 0, nl - stdin_buf->str + 1);
        run_command(line);
    }
}

static void signal_ready(void *opaque)
{
    struct signalfd_siginfo si;
    int fd = GPOINTER_TO_INT(opaque);

    if (read(fd, &si, sizeof(si)) == sizeof(si)) {
        quit = true;
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: nbd-test-server -k SOCKET [--tcp HOST:PORT] "
            "[--max-connections N] [--pidfile FILE]\n"
            "       [--object OBJ]... [--tls-creds ID] [--tls-authz ID]\n"
            "       { [-n NAME] [-w] [-t] [-D DESC] IMAGE-OPTS }...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 'k' },
        { "tcp", required_argument, NULL, 'T' },
        { "max-connections", required_argument, NULL, 'm' },
        { "pidfile", required_argument, NULL, 'p' },
        { "name", required_argument, NULL, 'n' },
        { "writable", no_argument, NULL, 'w' },
        { "writethrough", no_argument, NULL, 't' },
        { "description", required_argument, NULL, 'D' },
        { "object", required_argument, NULL, 'O' },
        { "tls-creds", required_argument, NULL, 'C' },
        { "tls-authz", required_argument, NULL, 'A' },
        { NULL, 0, NULL, 0 },
    };
    const char *sock = NULL, *tcp = NULL, *pidfile = NULL;
    const char *name = NULL, *desc = NULL, *tls_creds = NULL;
    const char *tls_authz = NULL;
    g_autofree char *path = NULL;
    SocketAddress addr = { 0 };
    bool writable = false, writethrough = false;
    GPtrArray *specs = g_ptr_array_new();
    int max_conn = 0, c, sfd;
    sigset_t mask;
    Error *err = NULL;

    error_set_progname(argv[0]);
    bdrv_init();
    qemu_init_main_loop();

    while ((c = getopt_long(argc, argv, "-k:T:m:p:n:wtD:O:C:A:", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'k': sock = optarg; break;
        case 'T': tcp = optarg; break;
        case 'm': max_conn = atoi(optarg); break;
        case 'p': pidfile = optarg; break;
        case 'n': name = optarg; break;
        case 'w': writable = true; break;
        case 't': writethrough = true; break;
        case 'D': desc = optarg; break;
        case 'O':
            if (!user_creatable_add_str(optarg, &err)) {
                error_prepend(&err, "--object %s: ", optarg);
                error_report_err(err);
                return 1;
            }
            break;
        case 'C': tls_creds = optarg; break;
        case 'A': tls_authz = optarg; break;
        case 1: {
            /* An image: remember it with the options that precede it. */
            char **e = g_new0(char *, 6);

            e[0] = g_strdup(optarg);
            e[1] = g_strdup(name);
            e[2] = g_strdup(desc);
            e[3] = g_strdup(writable ? "w" : "");
            e[4] = g_strdup(writethrough ? "t" : "");
            g_ptr_array_add(specs, e);
            name = desc = NULL;
            writable = writethrough = false;
            break;
        }
        default:
            usage();
        }
    }
    if (!sock && !tcp) {
        usage();
    }
    if (tcp) {
        g_autofree char *host = g_strdup(tcp);
        char *colon = strrchr(host, ':');

        if (!colon) {
            usage();
        }
        *colon = '\0';
        addr.type = SOCKET_ADDRESS_TYPE_INET;
        addr.host = host;
        addr.port = colon + 1;
        nbd_server_start(&addr, max_conn, tls_creds, tls_authz, &err);
    } else {
        addr.type = SOCKET_ADDRESS_TYPE_UNIX;
        path = g_strdup(sock);
        addr.path = path;
        nbd_server_start(&addr, max_conn, tls_creds, tls_authz, &err);
    }
    if (err) {
        error_report_err(err);
        return 1;
    }
    nbd_set_export_deleted_notifier(export_deleted, NULL);
    for (guint i = 0; i < specs->len; i++) {
        char **e = g_ptr_array_index(specs, i);
        g_autofree char *defname = g_strdup_printf("disk%u", i);

        if (!add_export(NULL, e[1] ? e[1] : (i ? defname : ""), e[0],
                        *e[3] == 'w',
                        *e[4] == 't', e[2], &err)) {
            error_report_err(err);
            return 1;
        }
        for (int j = 0; j < 5; j++) {
            g_free(e[j]);       /* some are NULL: not a GStrv */
        }
        g_free(e);
    }
    g_ptr_array_free(specs, true);

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    aio_set_fd_handler(sfd, signal_ready, NULL, GINT_TO_POINTER(sfd));
    signal(SIGPIPE, SIG_IGN);
    stdin_buf = g_string_new(NULL);
    /* epoll refuses regular files and /dev/null: commands need a pipe. */
    {
        struct stat st;

        if (fstat(0, &st) == 0 &&
            (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(0))) {
            aio_set_fd_handler(0, stdin_ready, NULL, NULL);
        }
    }

    if (pidfile) {
        FILE *f = fopen(pidfile, "w");

        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    printf("ready\n");
    fflush(stdout);

    while (!quit) {
        main_loop_wait(true);
    }
    if (nbd_server_is_running()) {
        nbd_server_stop(&error_abort);
    }
    /* Let disconnected clients and deleted exports finish. */
    while (nbd_server_client_count() > 0 || nbd_export_next(NULL)) {
        main_loop_wait(true);
    }
    aio_set_fd_handler(sfd, NULL, NULL, NULL);
    aio_set_fd_handler(0, NULL, NULL, NULL);
    close(sfd);
    bdrv_close_all();
    user_creatable_cleanup();
    g_string_free(stdin_buf, true);
    return 0;
}
