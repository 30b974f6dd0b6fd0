/*
 * qemu-storage-daemon: block nodes, QMP monitors and (later) exports,
 * configured on the command line and over QMP, served from one event
 * loop until quit, SIGTERM, SIGINT or SIGHUP.
 *
 * Deliberate differences from QEMU 7.2: -V prints our own version;
 * only NBD exports exist (--export type=nbd); --object creates TLS
 * credentials and authorization objects, checks the other types as
 * QEMU does and keeps their options.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include <signal.h>
#include <sys/signalfd.h>
#include "block/block.h"
#include "chardev/char.h"
#include "config-host.h"
#include "crypto/tlscreds.h"
#include "monitor/monitor.h"
#include "qemu/main-loop.h"

enum {
    OPTION_BLOCKDEV = 256,
    OPTION_CHARDEV,
    OPTION_DAEMONIZE,
    OPTION_EXPORT,
    OPTION_MONITOR,
    OPTION_NBD_SERVER,
    OPTION_OBJECT,
    OPTION_PIDFILE,
};

/* Set while parsing the command line, before the main loop starts. */
static const char *pidfile;
static int daemon_pipe = -1;

static void help(void)
{
    printf(
"Usage: %s [options]\n"
"QEMU storage daemon\n"
"\n"
"  -h, --help             display this help and exit\n"
"  -T, --trace [[enable=]<pattern>][,events=<file>][,file=<file>]\n"
"                         specify tracing options\n"
"  -V, --version          output version information and exit\n"
"\n"
"  --blockdev [driver=]<driver>[,node-name=<N>][,discard=ignore|unmap]\n"
"             [,cache.direct=on|off][,cache.no-flush=on|off]\n"
"             [,read-only=on|off][,auto-read-only=on|off]\n"
"             [,force-share=on|off][,detect-zeroes=on|off|unmap]\n"
"             [,driver specific parameters...]\n"
"                         configure a block backend\n"
"\n"
"  --chardev <options>    configure a character device backend\n"
"                         (see the qemu(1) man page for possible options)\n"
"\n"
"  --daemonize            daemonize the process, and have the parent exit\n"
"                         once startup is complete\n"
"\n"
"  --export [type=]nbd,id=<id>,node-name=<node-name>[,name=<export-name>]\n"
"           [,writable=on|off][,bitmap=<name>]\n"
"                         export the specified block node over NBD\n"
"                         (requires --nbd-server)\n"
"\n"
"  --monitor [chardev=]name[,mode=control][,pretty[=on|off]]\n"
"                         configure a QMP monitor\n"
"\n"
"  --nbd-server addr.type=inet,addr.host=<host>,addr.port=<port>\n"
"               [,tls-creds=<id>][,tls-authz=<id>][,max-connections=<n>]\n"
"  --nbd-server addr.type=unix,addr.path=<path>\n"
"               [,tls-creds=<id>][,tls-authz=<id>][,max-connections=<n>]\n"
"                         start an NBD server for exporting block nodes\n"
"\n"
"  --object help          list object types that can be added\n"
"  --object <type>,help   list properties for the given object type\n"
"  --object <type>[,<property>=<value>...]\n"
"                         create a new object of type <type>, setting\n"
"                         properties in the order they are specified. Note\n"
"                         that the 'id' property must be set.\n"
"                         See the qemu(1) man page for documentation of the\n"
"                         objects that can be added.\n"
"\n"
"  --pidfile <path>       write process ID to a file after startup\n"
"\n"
"See <https://qemu.org/contribute/report-a-bug> for how to report bugs.\n"
"More information on the QEMU project at <https://qemu.org>.\n",
    error_get_progname());
}

/* "qemu-storage-daemon: --opt arg: msg" as QEMU's location prefix. */
static void QEMU_NORETURN fail_opt(const char *opt, const char *arg,
                                   Error *err)
{
    if (arg) {
        error_report("--%s %s: %s", opt, arg, error_get_pretty(err));
    } else {
        error_report("%s: %s", opt, error_get_pretty(err));
    }
    if (error_get_hint(err)) {
        fputs(error_get_hint(err), stderr);
    }
    error_free(err);
    exit(EXIT_FAILURE);
}

static void object_add(const char *arg)
{
    Error *err = NULL;

    /* Real objects (tls-creds-*, authz-*) are created here (crypto/). */
    if (!user_creatable_add_cmdline(arg, OBJECT_TOOL_DAEMON, &err)) {
        fail_opt("object", arg, err);
    }
}

static void daemonize_start(void)
{
    int fds[2];
    pid_t pid;
    char c;

    if (pipe(fds) < 0) {
        error_report("Could not create pipe: %s", strerror(errno));
        exit(EXIT_FAILURE);
    }
    pid = fork();
    if (pid < 0) {
        error_report("Could not fork: %s", strerror(errno));
        exit(EXIT_FAILURE);
    }
    if (pid > 0) {
        /* The parent exits once the child finished its start-up. */
        close(fds[1]);
        exit(read(fds[0], &c, 1) == 1 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
}

static void daemonize_finish(void)
{
    int fd;

    if (daemon_pipe < 0) {
        return;
    }
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    if (write(daemon_pipe, "", 1) != 1) {
        exit(EXIT_FAILURE);
    }
    close(daemon_pipe);
}

static void write_pidfile(void)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    Error *err = NULL;

    if (!g_file_set_contents(pidfile, pid, -1, NULL)) {
        error_setg_errno(&err, errno, "Cannot write pid file");
        error_report_err(err);
        exit(EXIT_FAILURE);
    }
}

static void signal_read(void *opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    struct signalfd_siginfo si;

    if (read(fd, &si, sizeof(si)) == sizeof(si)) {
        qsd_exit_requested = true;
    }
}

static void signals_init(void)
{
    sigset_t set;
    int fd;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        error_report("signalfd: %s", strerror(errno));
        exit(EXIT_FAILURE);
    }
    aio_set_fd_handler(fd, signal_read, NULL, GINT_TO_POINTER(fd));
    signal(SIGPIPE, SIG_IGN);
}

static void process_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "blockdev", required_argument, NULL, OPTION_BLOCKDEV },
        { "chardev", required_argument, NULL, OPTION_CHARDEV },
        { "daemonize", no_argument, NULL, OPTION_DAEMONIZE },
        { "export", required_argument, NULL, OPTION_EXPORT },
        { "help", no_argument, NULL, 'h' },
        { "monitor", required_argument, NULL, OPTION_MONITOR },
        { "nbd-server", required_argument, NULL, OPTION_NBD_SERVER },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "pidfile", required_argument, NULL, OPTION_PIDFILE },
        { "trace", required_argument, NULL, 'T' },
        { "version", no_argument, NULL, 'V' },
        { 0, 0, 0, 0 }
    };
    Error *err = NULL;
    int c;

    /* "-" first: non-options come back as 1, in order. */
    while ((c = getopt_long(argc, argv, "-hT:V", long_options, NULL)) != -1) {
        switch (c) {
        case '?':
            exit(EXIT_FAILURE);
        case 'h':
            help();
            exit(EXIT_SUCCESS);
        case 'T':
            break;      /* tracing is not implemented; accepted */
        case 'V':
            printf("%s version %s (quorum-block)\n"
                   "Copyright (c) 2024 The quorum-block developers\n",
                   error_get_progname(), QEMU_VERSION);
            exit(EXIT_SUCCESS);
        case OPTION_BLOCKDEV:
            if (!qsd_blockdev_add_str(optarg, &err)) {
                fail_opt("blockdev", optarg, err);
            }
            break;
        case OPTION_CHARDEV: {
            QDict *opts = keyval_parse_flat(optarg, "backend", &err);
            if (!opts || !qemu_chr_new_from_opts(opts, &err)) {
                qobject_unref(opts);
                fail_opt("chardev", optarg, err);
            }
            qobject_unref(opts);
            break;
        }
        case OPTION_DAEMONIZE:
            break;      /* handled before the loop */
        case OPTION_EXPORT:
            if (!qsd_export_add_str(optarg, &err)) {
                fail_opt("export", optarg, err);
            }
            break;
        case OPTION_NBD_SERVER:
            if (!qsd_nbd_server_add_str(optarg, &err)) {
                fail_opt("nbd-server", optarg, err);
            }
            break;
        case OPTION_MONITOR: {
            QDict *opts = keyval_parse_flat(optarg, "chardev", &err);
            if (!opts || !monitor_new_from_opts(opts, &err)) {
                qobject_unref(opts);
                fail_opt("monitor", optarg, err);
            }
            qobject_unref(opts);
            break;
        }
        case OPTION_OBJECT:
            object_add(optarg);
            break;
        case OPTION_PIDFILE:
            pidfile = optarg;
            break;
        case 1:
            error_setg(&err, "Unexpected argument");
            fail_opt(optarg, NULL, err);
        default:
            g_assert_not_reached();
        }
    }
}

int main(int argc, char *argv[])
{
    error_set_progname(argv[0]);
    qemu_init_main_loop();
    bdrv_init();
    monitor_events_init();
    qsd_exports_init();

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--daemonize")) {
            daemonize_start();
            break;
        }
        if (!strcmp(argv[i], "--")) {
            break;
        }
    }
    signals_init();
    process_options(argc, argv);
    if (pidfile) {
        write_pidfile();
    }
    daemonize_finish();

    while (!qsd_exit_requested) {
        main_loop_wait(true);
    }

    /*
     * Disconnect the NBD clients and let every export go (its events
     * still reach the monitors), then flush and close every node and
     * the monitors' sockets.
     */
    qsd_exports_shutdown();
    bdrv_drain_all();
    bdrv_close_all();
    blockdev_close_all();
    monitor_cleanup();
    qemu_chr_cleanup_all();
    if (pidfile) {
        unlink(pidfile);
    }
    return EXIT_SUCCESS;
}
