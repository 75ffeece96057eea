import Foundation
import TalonCore

/// Recorded request bodies are plain `JSONValue` trees (same subscripts and accessors as production code).
public typealias MockJSON = JSONValue

extension JSONValue {
    /// Parses JSON text; nil when it is not JSON.
    public static func parse(_ data: Data) -> JSONValue? {
        try? JSON5.parse(String(decoding: data, as: UTF8.self))
    }
}

/// Builds JSON text for responses.
enum MockJSONText {
    static func string(_ value: String) -> String {
        JSONValue.string(value).serialized()
    }
}
