/// A scripted answer normalized for the wire renderers: text chunks and tool calls.
struct MockAnswer: Sendable {
    var chunks: [String]
    var toolCalls: [MockToolCall]
    var delayMs: Int = 0

    var text: String { chunks.joined() }

    /// Splits a text into up to `parts` pieces (on character boundaries) to exercise delta assembly.
    static func split(_ text: String, parts: Int = 3) -> [String] {
        let characters = Array(text)
        guard characters.count > 1 else { return [text] }
        let size = max(1, (characters.count + parts - 1) / parts)
        return stride(from: 0, to: characters.count, by: size).map { String(characters[$0..<min($0 + size, characters.count)]) }
    }

    /// The tool calls with ids filled in (`prefix` is `call_` or `toolu_`).
    func calls(idPrefix: String) -> [MockToolCall] {
        toolCalls.enumerated().map { index, call in
            MockToolCall(name: call.name, arguments: call.arguments, id: call.id ?? "\(idPrefix)mock_\(index)")
        }
    }
}

/// One SSE frame, formatted.
func sseFrame(event: String? = nil, _ data: String) -> String {
    (event.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n"
}

/// How a rendered stream ends.
enum MockStreamEnding: Sendable {
    case complete
    /// Stop before the end markers (truncated stream).
    case truncated
}

/// The wire renderers: each turns an answer into SSE frames or a JSON body, and knows its error body.
protocol MockWireRenderer: Sendable {
    func frames(_ answer: MockAnswer, model: String, ending: MockStreamEnding, includeUsage: Bool) -> [String]
    func json(_ answer: MockAnswer, model: String) -> String
    func errorBody(status: Int, message: String) -> String
}
