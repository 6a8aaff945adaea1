extension Int {
    /// self × other, pinned at Int.max (or Int.min) instead of trapping: for
    /// timeouts built from seconds a user wrote in a config file.
    func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) != (other < 0) ? .min : .max
    }
}
