/// Incremental `text/event-stream` parser (the WHATWG rules the MCP streamable-HTTP transport uses):
/// fed bytes as they arrive, it returns the complete events; `\n`, `\r\n` and `\r` all end a line.
struct SSEParser {
    struct Event: Sendable, Hashable {
        var event: String?
        var data: String
        var id: String?
    }

    private var line: [UInt8] = []
    private var afterCR = false
    private var dataLines: [String] = []
    private var eventName: String?
    private var eventID: String?

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n") where afterCR:
                afterCR = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            default:
                afterCR = false
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> Event? {
        let text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if text.isEmpty {
            defer {
                dataLines = []
                eventName = nil
            }
            guard !dataLines.isEmpty else { return nil }
            return Event(event: eventName, data: dataLines.joined(separator: "\n"), id: eventID)
        }
        if text.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        case "id": eventID = String(value)
        default: break
        }
        return nil
    }
}
