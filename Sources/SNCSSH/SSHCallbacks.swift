import CLibSSH2
import SNCSocket
import Glibc

/// C callbacks handed to libssh2. They find their `SSHSessionContext` through
/// the `abstract` pointer libssh2 passes back, so they capture nothing.
enum SSHCallbacks {
    static func context(_ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> SSHSessionContext? {
        guard let raw = abstract?.pointee else { return nil }
        return Unmanaged<SSHSessionContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// LIBSSH2_RECV_FUNC: recv(2) that also notes when the server last spoke.
    /// libssh2 expects -errno on failure.
    static let receive: @convention(c) (
        libssh2_socket_t, UnsafeMutableRawPointer?, Int, CInt, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int = { socket, buffer, length, flags, abstract in
        guard let context = SSHCallbacks.context(abstract), context.socket == socket else {
            // Not the SSH connection (the ssh-agent socket): plain recv(2).
            while true {
                let count = Glibc.recv(socket, buffer, length, flags)
                if count >= 0 { return count }
                let code = errno
                if code == EINTR { continue }
                return -Int(code)
            }
        }
        if let carrier = context.carrier {
            return receive(from: carrier, into: buffer, length: length, context: context)
        }
        if context.readAhead.isEmpty {
            while true {
                let count = context.readAhead.refill { base, capacity in Glibc.recv(socket, base, capacity, flags) }
                if count == 0 { return 0 }
                if count > 0 { noteArrival(count, socket: socket, context: context); break }
                let code = errno
                if code == EINTR { continue }
                return -Int(code)
            }
        }
        return context.readAhead.take(into: buffer, length: length)
    }

    /// Bookkeeping for bytes that arrived on the SSH socket.
    private static func noteArrival(_ count: Int, socket: CInt, context: SSHSessionContext) {
        context.lastReceivedNanoseconds = MonotonicClock.now()
        context.bytesReceived &+= UInt64(count)
        // Acknowledge at once rather than after the delayed-ACK timer:
        // sshd sets TCP_NODELAY only for interactive sessions, so its
        // second small packet in a row (a channel-open confirmation,
        // then the target's first bytes) waits for our ACK, 40 ms.
        // Linux leaves quick-ACK mode on its own, so it is set again
        // after every read.
        if context.quickAckApplies {
            var on: CInt = 1
            if Glibc.setsockopt(socket, CInt(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<CInt>.size)) != 0 {
                context.quickAckApplies = false
            }
        }
    }

    /// LIBSSH2_SEND_FUNC: takes every byte libssh2 sends (see `OutboundBuffer`):
    /// what send(2) does not accept now is buffered, so libssh2 never sees EAGAIN.
    static let send: @convention(c) (
        libssh2_socket_t, UnsafeRawPointer?, Int, CInt, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int = { socket, buffer, length, flags, abstract in
        guard let context = SSHCallbacks.context(abstract), context.socket == socket else {
            // Not the SSH connection (libssh2 talks to ssh-agent this way too): plain send(2).
            while true {
                let sent = Glibc.send(socket, buffer, length, flags | CInt(MSG_NOSIGNAL))
                if sent >= 0 { return sent }
                let code = errno
                if code == EINTR { continue }
                return -Int(code)
            }
        }
        if context.sendError != 0 { return context.sendError }
        if context.carrier != nil { return sendThroughCarrier(buffer, length: length, context: context) }
        // Small enough to wait for the engine's flush at the end of its pass:
        // several packets then leave in one send(2).
        if !context.sendsSynchronously && context.outbound.count + length <= OutboundBuffer.coalescingLimit {
            context.outbound.append(UnsafeRawBufferPointer(start: buffer, count: length))
            return length
        }
        var offset = 0
        if !context.outbound.isEmpty {
            let result = context.outbound.flush(to: socket)
            if result != 0 { context.sendError = result; return result }
        }
        if context.outbound.isEmpty {
            while offset < length {
                let sent = Glibc.send(socket, buffer.map { $0 + offset }, length - offset, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
                if sent > 0 { offset += sent; continue }
                let code = errno
                if sent == -1 && code == EINTR { continue }
                if sent == -1 && (code == EAGAIN || code == EWOULDBLOCK) { break }
                context.sendError = -Int(code == 0 ? EPIPE : code)
                return context.sendError
            }
        }
        if offset < length {
            context.outbound.append(UnsafeRawBufferPointer(start: buffer.map { $0 + offset }, count: length - offset))
            if context.sendsSynchronously {
                let result = context.drain(timeoutMilliseconds: 2000)
                if result != 0 { return result }
            }
        }
        return length
    }

    /// LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC: asks the context's responder and
    /// hands libssh2 malloc'd answers (libssh2 frees them).
    static let keyboardInteractive: @convention(c) (
        UnsafePointer<CChar>?, CInt, UnsafePointer<CChar>?, CInt, CInt,
        UnsafePointer<LIBSSH2_USERAUTH_KBDINT_PROMPT>?, UnsafeMutablePointer<LIBSSH2_USERAUTH_KBDINT_RESPONSE>?,
        UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Void = { name, nameLength, instruction, instructionLength, promptCount, prompts, responses, abstract in
        guard let context = SSHCallbacks.context(abstract), let responder = context.keyboardInteractive else { return }
        var list: [KeyboardInteractiveChallenge.Prompt] = []
        for index in 0..<Int(max(promptCount, 0)) {
            guard let prompt = prompts?[index] else { continue }
            list.append(.init(text: text(prompt.text, Int(prompt.length)), echo: prompt.echo != 0))
        }
        let challenge = KeyboardInteractiveChallenge(
            name: text(name, Int(nameLength)), instruction: text(instruction, Int(instructionLength)), prompts: list)
        guard let answers = responder(challenge), let responses else { return }
        for (index, answer) in answers.prefix(list.count).enumerated() {
            let bytes = Array(answer.utf8)
            guard let copy = malloc(max(bytes.count, 1))?.assumingMemoryBound(to: CChar.self) else { continue }
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { memcpy(copy, base, bytes.count) }
            }
            responses[index].text = copy
            responses[index].length = UInt32(bytes.count)
        }
    }

    /// LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC used to ask whether the server
    /// would accept a key: libssh2 calls it only after SSH_MSG_USERAUTH_PK_OK.
    /// It records that and declines to sign, so no private key is needed.
    static let probeSign: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<Int>?,
        UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> CInt = { _, _, _, _, _, abstract in
        SSHCallbacks.context(abstract)?.publicKeyAccepted = true
        return -1
    }

    private static func text(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
