import CLinux

/// Process-wide settings of glibc's allocator.
package enum HeapTuning {
    /// Keeps up to `bytes` of freed memory at the top of the heap instead
    /// of giving it back to the kernel at once (`mallopt(M_TRIM_THRESHOLD)`;
    /// glibc's default is 128 KiB). For code that frees and allocates the
    /// same sizes over and over, which otherwise pays page faults each time
    /// the heap grows again.
    package static func keepFreedMemory(upTo bytes: Int) {
        _ = snc_set_malloc_trim_threshold(CInt(clamping: bytes))
    }
}
