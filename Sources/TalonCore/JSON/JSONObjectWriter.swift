/// Writes one JSON object member by member, straight into a string: for records written on a hot path, where
/// `JSONEncoder`'s reflection costs more than the rest of the request. Members with a nil value are left out,
/// as `JSONEncoder` leaves out nil optionals, so `JSONDecoder` reads the text back into the same value.
public struct JSONObjectWriter: Sendable {
    private var text = "{"
    private var empty = true

    public init(capacity: Int = 256) {
        text.reserveCapacity(capacity)
    }

    private mutating func key(_ name: String) {
        if !empty { text += "," }
        empty = false
        JSONValue.writeString(name, to: &text)
        text += ":"
    }

    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.writeString(value, to: &text)
    }

    public mutating func int(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    public mutating func int(_ name: String, _ value: Int?) {
        int(name, value.map(Int64.init))
    }

    public mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        text += value ? "true" : "false"
    }

    public mutating func strings(_ name: String, _ values: [String]?) {
        guard let values else { return }
        key(name)
        text += "["
        for (offset, value) in values.enumerated() {
            if offset > 0 { text += "," }
            JSONValue.writeString(value, to: &text)
        }
        text += "]"
    }

    /// A member whose value is already JSON text (a nested object from another writer).
    public mutating func json(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        text += value
    }

    /// The finished object text.
    public func finished() -> String {
        text + "}"
    }
}
