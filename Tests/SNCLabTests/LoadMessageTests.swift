import Crypto
import SNCLab
import Testing

@Suite struct LoadMessageTests {
    @Test(arguments: [0, 1, 19, 20, 21, 1024, 100_000])
    func generatedMessagesHaveTheAskedSize(_ size: Int) {
        let message = LoadMessage(size: size)
        #expect(message.size == size)
        #expect(message.body.count + message.stamp(for: 7).count == size)
    }

    @Test func receiptsMatchAnIndependentHash() {
        let message = LoadMessage(size: 1024)
        for index in [0, 1, 999_999] {
            let stamp = message.stamp(for: index)
            let bytes = message.body + stamp
            let expected = LabProtocol.receiptLine(byteCount: bytes.count, digest: SHA256.hash(data: bytes))
            #expect(message.expectedReceipt(for: stamp) == Array(expected.utf8))
        }
    }

    @Test func everyClientSendsItsOwnBytes() {
        let message = LoadMessage(size: 64)
        #expect(message.stamp(for: 1) != message.stamp(for: 2))
        #expect(message.expectedReceipt(for: message.stamp(for: 1)) != message.expectedReceipt(for: message.stamp(for: 2)))
        #expect(String(decoding: message.stamp(for: 42), as: UTF8.self) == "client 000000000042\n")
    }

    @Test func fixedMessagesAreSentAsGiven() {
        let message = LoadMessage(fixed: Array("abc".utf8))
        #expect(message.stamp(for: 5).isEmpty)
        #expect(message.expectedReceipt(for: []) == Array("received 3 bytes sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n".utf8))
    }

    @Test func emptyMessageHasTheEmptyHash() {
        let message = LoadMessage(size: 0)
        #expect(message.expectedReceipt(for: message.stamp(for: 0)) == Array("received 0 bytes sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n".utf8))
    }
}

@Suite struct OneLineMessageTests {
    @Test(arguments: [0, 5, 20, 1024, 100_000])
    func oneLineMessagesHoldNoNewlineAndEndInOne(_ size: Int) {
        let message = LoadMessage(size: size, oneLine: true)
        let stamp = message.stamp(for: 42)
        #expect(message.size == size)
        #expect(!(message.body + stamp).contains(0x0A))
        #expect(message.tail(after: stamp).last == 0x0A)
        let expected = LabProtocol.receiptLine(byteCount: size, digest: SHA256.hash(data: message.body + stamp))
        #expect(message.expectedReceipt(for: stamp) == Array(expected.utf8))
    }
}
