import NIOCore

/// One server-sent event: the `event:` name (if any) and its `data:` lines joined by newlines.
struct SSEEvent: Sendable, Hashable {
    var event: String?
    var data: String
}

/// Incremental `text/event-stream` framing: feed body chunks as they arrive, get whole events.
/// Chunk boundaries can fall anywhere, including inside a UTF-8 sequence, so bytes are kept until
/// a full line is available.
struct SSEParser: Sendable {
    /// A single line longer than this is not a sane event stream.
    static let maxLineBytes = 16 * 1024 * 1024

    private var partialLine: [UInt8] = []
    private var eventName: String?
    private var dataLines: [String] = []

    enum Failure: Error {
        case lineTooLong
    }

    mutating func feed(_ buffer: ByteBuffer) throws(Failure) -> [SSEEvent] {
        var events: [SSEEvent] = []
        buffer.withUnsafeReadableBytes { bytes in
            var start = 0
            for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                partialLine.append(contentsOf: bytes[start..<offset])
                start = offset + 1
                if let event = processLine(partialLine) { events.append(event) }
                partialLine.removeAll(keepingCapacity: true)
            }
            partialLine.append(contentsOf: bytes[start...])
        }
        if partialLine.count > Self.maxLineBytes { throw .lineTooLong }
        return events
    }

    /// Flushes a final event not followed by a blank line.
    mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !partialLine.isEmpty, let event = processLine(partialLine) { events.append(event) }
        partialLine.removeAll()
        if let event = processLine([]) { events.append(event) }
        return events
    }

    private mutating func processLine(_ raw: [UInt8]) -> SSEEvent? {
        var line = raw
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.isEmpty {
            defer {
                eventName = nil
                dataLines.removeAll()
            }
            guard !dataLines.isEmpty else { return nil }
            return SSEEvent(event: eventName, data: dataLines.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }  // comment / keep-alive
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        default: break  // id:, retry: — not needed for model streams
        }
        return nil
    }
}
