import Glibc

/// CLOCK_MONOTONIC in nanoseconds: cheap enough to read several times per
/// connection, and immune to wall-clock jumps. The one clock snc's timeouts,
/// deadlines and latency figures are read from.
package enum MonotonicClock {
    /// Wraps `clock_gettime(2)`.
    package static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// `now() + nanoseconds`, saturating instead of overflowing.
    package static func deadline(after nanoseconds: UInt64) -> UInt64 {
        let (sum, overflow) = now().addingReportingOverflow(nanoseconds)
        return overflow ? .max : sum
    }

    /// Seconds as nanoseconds, clamped to 0...UInt64.max (NaN: 0), so no
    /// configured duration can trap the conversion.
    package static func nanoseconds(seconds: Double) -> UInt64 {
        let value = seconds * 1e9
        guard value > 0 else { return 0 }
        return value < 0x1p64 ? UInt64(value) : .max
    }

    package static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }

    /// What is left until `deadline` (a reading of this clock), as poll(2)
    /// takes it: whole milliseconds rounded up, so a wait never ends just
    /// before the deadline and spins; 0 once it has passed; at most Int32.max.
    package static func milliseconds(until deadline: UInt64, now: UInt64 = now()) -> Int32 {
        guard deadline > now else { return 0 }
        return Int32(clamping: (deadline - now) / 1_000_000 + ((deadline - now) % 1_000_000 == 0 ? 0 : 1))
    }
}
