/// One tool call a scripted answer asks for.
public struct MockToolCall: Sendable, Hashable {
    public var name: String
    /// The arguments JSON text; the server streams it split over several deltas.
    public var arguments: String
    public var id: String?

    public init(name: String, arguments: String, id: String? = nil) {
        self.name = name
        self.arguments = arguments
        self.id = id
    }
}

/// A scripted answer for the next request the mock model server receives. Each request consumes
/// one scenario (FIFO); with none queued the server echoes the last user message.
public indirect enum MockScenario: Sendable, Hashable {
    /// A complete answer, streamed in a few chunks (or as one JSON body for non-streaming requests).
    case text(String)
    /// A streamed answer with exactly these chunks, `delayMs` apart.
    case streamedText([String], delayMs: Int = 0)
    /// Like `streamedText`, named for tests about slow producers (cancellation, backpressure).
    case slowText([String], delayMs: Int)
    /// One tool call; arguments arrive in several deltas.
    case toolCall(name: String, arguments: String, id: String? = nil)
    /// Several tool calls in one answer; their argument deltas interleave where the API allows it.
    case parallelToolCalls([MockToolCall])
    /// Some text followed by tool calls in the same answer.
    case textAndToolCalls(String, [MockToolCall])
    /// An HTTP error with the provider's error body (or `body` as given) and an optional `Retry-After`.
    case status(Int, body: String? = nil, retryAfter: String? = nil)
    /// A 200 event stream whose data lines are not JSON.
    case malformedSSE
    /// A few text deltas, then the stream ends without the API's end marker.
    case truncatedStream
    /// Sends the response head and one event, then goes silent for `seconds`.
    case stall(seconds: Double)
    /// Answers the inner scenario as a plain `application/json` body even to a streaming request.
    case json(MockScenario)

    /// The default answer when nothing is queued.
    static func echo(_ text: String) -> MockScenario {
        .text("echo: " + text)
    }
}

/// Token counts the mock reports for every answer.
public enum MockUsage {
    public static let inputTokens = 25
    public static let outputTokens = 10
}
