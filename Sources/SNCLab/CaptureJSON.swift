/// `--json`'s `capture` objects: `{file, packets, dropped, events: {name: count}, first: {name: {...}}}`.
enum CaptureJSON {
    static func summary(_ summary: CaptureSummary) -> JSONValue {
        .object([
            "file": .string(summary.file),
            "packets": .integer(Int64(summary.packets)),
            "dropped": .integer(Int64(summary.dropped)),
            "events": .object(summary.events.mapValues { .integer(Int64($0)) }),
            "first": .object(summary.first.mapValues { first in
                .object([
                    "seconds": .number(first.seconds), "concurrency": .integer(Int64(first.concurrency)),
                    "source_port": .integer(Int64(first.sourcePort)), "destination_port": .integer(Int64(first.destinationPort)),
                ])
            }),
        ])
    }
}
