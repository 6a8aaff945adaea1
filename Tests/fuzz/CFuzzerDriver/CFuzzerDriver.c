#include "CFuzzerDriver.h"

// libFuzzer's entry for programs that keep their own main (SwiftPM gives
// every executable one). Weak, so that the package's normal build, which
// does not link libFuzzer, still links: the address is then null.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))
    __attribute__((weak));

int snc_fuzz_run_driver(int *argc, char ***argv, snc_fuzz_callback callback) {
    if (LLVMFuzzerRunDriver == NULL) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}

// libFuzzer's own main (linked whole, but replaced by SwiftPM's) calls this.
// Release links drop that main with --gc-sections; debug links need the
// symbol defined. Never called: snc-fuzz hands its harness to the driver.
__attribute__((weak)) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
