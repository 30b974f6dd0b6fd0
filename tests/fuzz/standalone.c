/*
 * main() for the fuzz targets when they are built without libFuzzer
 * (gcc, build/ and build-san/): run each input once, as libFuzzer does
 * when given files.
 *
 *   fuzz-TARGET [FILE|DIR...]     every file, every file of every DIR;
 *                                 stdin when there are no arguments
 *
 * Prints "N inputs ran" and exits 0; a crash or sanitizer report is the
 * failure.
 */
#include "qemu/osdep.h"
#include "tests/fuzz/fuzz.h"

static void run_file(const char *path, unsigned *count)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    gsize len;

    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, &err);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name;

        if (!dir) {
            fprintf(stderr, "%s\n", err->message);
            exit(2);
        }
        while ((name = g_dir_read_name(dir))) {
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
        }
        g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
        for (guint i = 0; i < names->len; i++) {
            run_file(g_ptr_array_index(names, i), count);
        }
        return;
    }
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "%s\n", err->message);
        exit(2);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    ++*count;
}

int main(int argc, char **argv)
{
    unsigned count = 0;

    error_set_progname(argv[0]);
    if (argc < 2) {
        g_autoptr(GByteArray) b = g_byte_array_new();
        uint8_t buf[65536];
        size_t n;

        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
            g_byte_array_append(b, buf, n);
        }
        LLVMFuzzerTestOneInput(b->data, b->len);
        count++;
    }
    for (int i = 1; i < argc; i++) {
        run_file(argv[i], &count);
    }
    printf("%u inputs ran\n", count);
    return 0;
}
