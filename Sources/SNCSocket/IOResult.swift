/// The outcome of a call on a non-blocking descriptor.
///
/// EAGAIN is a state of the descriptor, not a failure, so it is a value
/// here rather than a thrown error.
package enum IOResult<Value> {
    case done(Value)
    case wouldBlock
}

extension IOResult: Sendable where Value: Sendable {}
extension IOResult: Equatable where Value: Equatable {}
