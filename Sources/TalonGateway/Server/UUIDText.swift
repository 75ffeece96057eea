import FoundationEssentials

/// Lower-case RFC 4122 UUIDs for run ids and session ids.
enum UUIDText {
    static func random() -> String { UUID().uuidString.lowercased() }
}
