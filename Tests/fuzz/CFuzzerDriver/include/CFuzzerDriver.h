#ifndef SNC_FUZZER_DRIVER_H
#define SNC_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// One fuzz input: libFuzzer's LLVMFuzzerTestOneInput signature.
typedef int (*snc_fuzz_callback)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver (command-line flags, corpus directories) over
/// `callback` when the binary was linked with -sanitize=fuzzer; returns -1
/// without doing anything when it was not (a plain build of the package).
int snc_fuzz_run_driver(int *argc, char ***argv, snc_fuzz_callback callback);

#endif
