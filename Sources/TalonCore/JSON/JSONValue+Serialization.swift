extension JSONValue {
    /// Strict JSON text: object keys sorted (stable output for diffs and tests), integral numbers
    /// without a fraction, non-finite numbers as `null` (JSON cannot express them).
    /// `pretty` indents by two spaces, like `JSON.stringify(value, null, 2)`.
    public func serialized(pretty: Bool = false) -> String {
        var output = ""
        write(to: &output, pretty: pretty, indent: 0)
        return output
    }

    private func write(to output: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .number(let value):
            output += JSONValue.formatNumber(value)
        case .string(let value):
            JSONValue.writeString(value, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                if pretty { JSONValue.newline(&output, indent + 1) }
                element.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output += "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { output += "," }
                if pretty { JSONValue.newline(&output, indent + 1) }
                JSONValue.writeString(key, to: &output)
                output += pretty ? ": " : ":"
                members[key]!.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output += "}"
        }
    }

    private static func newline(_ output: inout String, _ indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    static func formatNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        // 2^53: beyond it Doubles are not exact integers, and Swift's shortest form is valid JSON anyway.
        if value.rounded() == value, abs(value) <= 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return String(value)
    }

    static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Fast path: most strings need no escaping and are appended whole (0xE2 leads U+2028/U+2029).
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension JSONValue {
    /// Recursive merge used by `$include`, as upstream's: objects merge member by member, arrays
    /// concatenate, and any other value in `overlay` replaces what is in `self`.
    public func deepMerged(with overlay: JSONValue) -> JSONValue {
        if case .array(let left) = self, case .array(let right) = overlay { return .array(left + right) }
        guard case .object(var base) = self, case .object(let top) = overlay else { return overlay }
        for (key, value) in top {
            base[key] = base[key].map { $0.deepMerged(with: value) } ?? value
        }
        return .object(base)
    }
}
