import Foundation
import Yams

/// Small helpers for building and editing YAML as Yams `Node`s, so generated files keep a
/// deliberate key order and patched files keep every key we did not touch.
enum GitOpsYAML {
    /// A string scalar, quoted only when a plain scalar would read back as another type.
    static func string(_ value: String) -> Node {
        .scalar(.init(value, .implicit, needsQuotes(value) ? .doubleQuoted : .plain))
    }

    /// A multi-line string (embedded JSON, scripts) as a literal block.
    static func literal(_ value: String) -> Node {
        .scalar(.init(value, .implicit, .literal))
    }

    static func int(_ value: Int) -> Node { .scalar(.init(String(value), .implicit, .plain)) }

    static func bool(_ value: Bool) -> Node { .scalar(.init(value ? "true" : "false", .implicit, .plain)) }

    /// An ordered mapping with string keys.
    static func map(_ pairs: [(String, Node)]) -> Node {
        .mapping(.init(pairs.map { (string($0.0), $0.1) }))
    }

    static func list(_ items: [Node]) -> Node { .sequence(.init(items)) }

    static func strings(_ items: [String]) -> Node { list(items.map(string)) }

    /// Serializes with 2-space indentation and no line wrapping (long URLs stay on one line).
    static func render(_ node: Node) throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
    }

    /// Renders documents as one multi-document stream.
    static func renderAll(_ nodes: [Node]) throws -> String {
        try Yams.serialize(nodes: nodes, indent: 2, width: -1, allowUnicode: true, explicitStart: true)
    }

    /// Plain scalars that YAML 1.1/1.2 would read as numbers, booleans or null.
    private static let ambiguousWords: Set<String> = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ]

    private static func needsQuotes(_ value: String) -> Bool {
        if ambiguousWords.contains(value.lowercased()) { return true }
        if looksNumeric(value) { return true }
        if let first = value.first, "{}[]*&!|>'\"%@`#,?:".contains(first) { return true }
        return value.contains(": ") || value.contains(" #") || value.hasSuffix(":") || value.hasSuffix(" ")
            || value.contains("\n")
    }

    /// Numbers (YAML 1.1 and 1.2 forms), timestamps and signed/dotted oddities read back as non-strings;
    /// "500m", "1Gi", "2026.3.25" do not, so they stay plain.
    private static func looksNumeric(_ value: String) -> Bool {
        if Double(value) != nil { return true }
        let patterns: [Regex<Substring>] = [
            /[-+]?(?:0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)/,
            /[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?/,
            /[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?/,
            /[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)/,
            /[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*/,
        ]
        return patterns.contains { value.wholeMatch(of: $0) != nil }
    }

    // MARK: - Editing

    /// The node at a key path through mappings, or nil.
    static func value(in node: Node?, at path: [String]) -> Node? {
        var current = node
        for key in path {
            current = current?.mapping?[key]
        }
        return current
    }

    /// Sets a value at a key path, creating intermediate mappings (and replacing non-mappings on
    /// the way, which only happens for malformed input).
    static func setting(_ value: Node, at path: ArraySlice<String>, in node: Node?) -> Node {
        guard let key = path.first else { return value }
        var mapping = node?.mapping ?? Node.Mapping([])
        mapping[key] = setting(value, at: path.dropFirst(), in: mapping[key])
        return .mapping(mapping)
    }

    /// Parses one YAML document; an empty file is an empty mapping.
    static func parseDocument(_ text: String, file: String) throws(GitOpsYAMLError) -> Node {
        do {
            return try Yams.compose(yaml: text) ?? .mapping(.init([]))
        } catch {
            throw GitOpsYAMLError(file: file, reason: "\(error)")
        }
    }

    /// Parses every document in a multi-document stream (empty documents dropped).
    static func parseDocuments(_ text: String, file: String) throws(GitOpsYAMLError) -> [Node] {
        do {
            return try Array(Yams.compose_all(yaml: text)).filter { $0.mapping != nil || $0.sequence != nil }
        } catch {
            throw GitOpsYAMLError(file: file, reason: "\(error)")
        }
    }

    /// Appends a document to a multi-document file's text, keeping the existing text verbatim.
    static func appendDocument(_ document: String, to existing: String?) -> String {
        let body = document.hasPrefix("---") ? document : "---\n" + document
        guard let existing, !existing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return body }
        return existing.hasSuffix("\n") ? existing + body : existing + "\n" + body
    }
}

/// A GitOps file that is not valid YAML; names the file so the API error is actionable.
struct GitOpsYAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    var file: String
    var reason: String
    var description: String { "cannot parse \(file) as YAML: \(reason)" }
}
