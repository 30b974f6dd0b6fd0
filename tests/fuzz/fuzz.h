/*
 * What the fuzz targets share: libFuzzer's entry point, which each
 * target defines, and the sandbox the code under test runs in.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input; returns 0.  libFuzzer's main, or standalone.c's, calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Between enter and leave, open(), fopen(), bind(), connect(), unlink()
 * and nbd_create() fail with EACCES (the targets are linked with
 * -Wl,--wrap for them, see meson.build): an input may name any file,
 * socket or NBD server, and none of them is touched.  libFuzzer's own
 * files (corpus, artifacts) are read and written outside the sandbox.
 */
void fuzz_sandbox_enter(void);
void fuzz_sandbox_leave(void);

#endif
