import Foundation
import MCP
import TalonCore

/// Between the SDK's `Value` (schemas, results) and Talon's `JSONValue` (tool specs, arguments).
extension JSONValue {
    package init(mcp value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(Double(number))
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        // The SDK decodes `data:` URL strings into `.data`; give the model the string it was sent.
        case .data(let mimeType, let data): self = .string(data.dataURLEncoded(mimeType: mimeType))
        case .array(let items): self = .array(items.map(JSONValue.init(mcp:)))
        case .object(let members): self = .object(members.mapValues(JSONValue.init(mcp:)))
        }
    }

    /// Integral numbers go out as integers: servers with typed parameters (`a: int`) reject `2.0` in strict validators.
    package var mcpValue: MCP.Value {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number):
            if let integer = Int(exactly: number) { .int(integer) } else { .double(number) }
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(\.mcpValue))
        case .object(let members): .object(members.mapValues(\.mcpValue))
        }
    }
}
