#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in nanoseconds: cheap enough to read several times per
/// connection, and immune to wall-clock jumps.
package enum MonotonicClock {
    /// Wraps `clock_gettime(2)`.
    package static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    package static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }
}
