import Testing
import SNCNetcat
import SNCSocket

/// The broker's decisions without sockets: who hears what under each option,
/// when a client that does not read is dropped, and the bounded join roster.
@Suite struct BrokerRulesTests {
    private func routes(_ configure: (inout ListenOptions) -> Void) -> BrokerRoutes {
        var options = ListenOptions()
        options.broker = true
        configure(&options)
        return BrokerRoutes(options)
    }

    @Test func brokerRelaysEverywhere() {
        let broker = routes { _ in }
        #expect(broker.clientsToClients && broker.clientsToOutput && broker.inputToClients && broker.sendsToClients)
        #expect(!broker.halfClosesWhenInputEnds && !broker.endsWhenInputSent)
    }

    @Test func sendOnlyIgnoresWhatClientsSend() {
        let sendOnly = routes { $0.session.writesOutput = false; $0.session.endsWhenInputSent = true }
        #expect(!sendOnly.clientsToClients && !sendOnly.clientsToOutput)
        #expect(sendOnly.inputToClients && sendOnly.sendsToClients)
        // In broker mode clients may still talk to stdin's operator for ever; only --keep-open ends.
        #expect(!sendOnly.endsWhenInputSent)
    }

    @Test func receiveOnlySendsNothingToAnyClient() {
        let receiveOnly = routes { $0.receiveOnly = true; $0.session.readsInput = false }
        #expect(!receiveOnly.clientsToClients && !receiveOnly.inputToClients && !receiveOnly.sendsToClients)
        #expect(receiveOnly.clientsToOutput)
    }

    @Test func noInputStillRelaysBetweenClients() {
        // nc's -d only leaves stdin unread; unlike --recv-only, clients still hear each other.
        let noInput = routes { $0.session.readsInput = false }
        #expect(noInput.clientsToClients && !noInput.inputToClients && noInput.sendsToClients)
    }

    @Test func keepOpenClientsHearOnlyStdin() {
        let keepOpen = routes { $0.relaysBetweenClients = false }
        #expect(!keepOpen.clientsToClients && keepOpen.clientsToOutput && keepOpen.inputToClients)
        #expect(keepOpen.halfClosesWhenInputEnds && !keepOpen.endsWhenInputSent)
        let noShutdown = routes { $0.relaysBetweenClients = false; $0.session.halfCloses = false }
        #expect(!noShutdown.halfClosesWhenInputEnds)
        let sendOnly = routes { $0.relaysBetweenClients = false; $0.session.writesOutput = false; $0.session.endsWhenInputSent = true }
        #expect(sendOnly.endsWhenInputSent && !sendOnly.clientsToOutput)
    }

    @Test func aClientUnderTheMarkIsNeverDropped() {
        let rule = SlowClientRule()
        let now = MonotonicClock.now()
        let long = now - min(now, 3_600_000_000_000)
        #expect(!rule.holdsOthersBack(queued: rule.highWater))
        #expect(!rule.drops(queued: rule.highWater, stalledSince: long, now: now))
        #expect(!rule.drops(queued: 0, stalledSince: nil, now: now))
    }

    @Test func aClientOverTheMarkIsDroppedAfterItsPatience() {
        let rule = SlowClientRule()
        let start = MonotonicClock.now()
        let patience = UInt64(rule.patienceMilliseconds) * 1_000_000
        let over = rule.highWater + 1
        #expect(rule.holdsOthersBack(queued: over))
        #expect(!rule.drops(queued: over, stalledSince: start, now: start + patience - 1_000_000))
        #expect(rule.drops(queued: over, stalledSince: start, now: start + patience))
        #expect(rule.deadline(stalledSince: start) == Deadline(atNanoseconds: start + patience))
    }

    @Test func theStallClockRunsOnlyWhileTheQueueIsOverTheMark() {
        let rule = SlowClientRule()
        let start = MonotonicClock.now()
        let later = start + 1_000_000_000
        #expect(rule.stalledSince(nil, queued: rule.highWater, now: start) == nil)
        #expect(rule.stalledSince(nil, queued: rule.highWater + 1, now: start) == start)
        // Taking some bytes but staying over the mark does not restart the clock ...
        #expect(rule.stalledSince(start, queued: rule.highWater + 1, now: later) == start)
        // ... getting back under it stops it.
        #expect(rule.stalledSince(start, queued: rule.highWater, now: later) == nil)
    }

    @Test func aQueueOverTheHardLimitIsDroppedAtOnce() {
        let rule = SlowClientRule()
        let now = MonotonicClock.now()
        #expect(rule.drops(queued: rule.hardLimit + 1, stalledSince: nil, now: now))
        #expect(rule.drops(queued: rule.hardLimit + 1, stalledSince: now, now: now))
    }

    @Test func theRosterNamesAtMostTheLimitAndCountsTheRest() {
        let users = (1...25).map { (host: "127.0.0.1", user: $0) }
        #expect(ChatFormat.alreadyConnected([], showingAtMost: 2) == "<announce> already connected: nobody.\n")
        #expect(ChatFormat.alreadyConnected(Array(users.prefix(2)), showingAtMost: 2)
                == "<announce> already connected: 127.0.0.1 as <user1>, 127.0.0.1 as <user2>.\n")
        #expect(ChatFormat.alreadyConnected(Array(users.prefix(3)), showingAtMost: 2)
                == "<announce> already connected: 127.0.0.1 as <user1>, 127.0.0.1 as <user2> and 1 more.\n")
        let long = ChatFormat.alreadyConnected(users, showingAtMost: ChatFormat.rosterLimit)
        #expect(long.hasSuffix(" and 5 more.\n"))
        #expect(long.utf8.count < 600)
    }
}
