import Glibc

/// CLOCK_REALTIME, the clock packet capture timestamps use.
package enum RealtimeClock {
    /// Nanoseconds since the epoch.
    package static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
