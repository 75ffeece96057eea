import TalonCore

/// Who said a message in a model conversation.
public enum ChatRole: String, Sendable, Hashable, Codable {
    case system, user, assistant, tool
}

/// One part of a message's content.
public enum ContentPart: Sendable, Hashable {
    case text(String)
    /// Inline image: `mediaType` such as `image/png`, `base64` the encoded bytes.
    case image(mediaType: String, base64: String)
    /// Remote image by URL (providers that accept URLs receive it as is).
    case imageURL(String)
}

/// A tool call the model asked for.
public struct ToolCall: Sendable, Hashable {
    /// Provider-assigned id (`call_…`, `toolu_…`); results refer back to it.
    public var id: String
    public var name: String
    /// Arguments as the JSON text the model produced (may be invalid JSON: the agent checks).
    public var argumentsJSON: String

    public init(id: String, name: String, argumentsJSON: String) {
        self.id = id
        self.name = name
        self.argumentsJSON = argumentsJSON
    }
}

/// A provider-neutral message.
public struct ChatMessage: Sendable, Hashable {
    public var role: ChatRole
    public var content: [ContentPart]
    /// Only on assistant messages.
    public var toolCalls: [ToolCall]
    /// Only on `.tool` messages: the call this result answers.
    public var toolCallId: String?
    /// Only on `.tool` messages: the tool's name (Anthropic/Responses need it in places).
    public var toolName: String?
    /// Only on `.tool` messages.
    public var isError: Bool

    public init(
        role: ChatRole, content: [ContentPart], toolCalls: [ToolCall] = [], toolCallId: String? = nil, toolName: String? = nil,
        isError: Bool = false
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.toolName = toolName
        self.isError = isError
    }

    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: [.text(text)]) }
    public static func assistant(_ text: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text.isEmpty ? [] : [.text(text)], toolCalls: toolCalls)
    }
    public static func toolResult(callId: String, name: String, text: String, isError: Bool = false) -> ChatMessage {
        ChatMessage(role: .tool, content: [.text(text)], toolCallId: callId, toolName: name, isError: isError)
    }

    /// The text parts joined.
    public var text: String {
        content.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
    }
}

/// A tool the model may call: name, description and JSON-schema parameters.
public struct ToolSpec: Sendable, Hashable {
    public var name: String
    public var description: String
    /// A JSON Schema object (`{"type":"object","properties":{…},"required":[…]}`).
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Reasoning effort, mapped per provider (OpenAI `reasoning_effort`, Anthropic thinking budget).
public enum ThinkingLevel: String, Sendable, Hashable, CaseIterable {
    case off, minimal, low, medium, high
}

/// What ends a model turn.
public enum StopReason: String, Sendable, Hashable {
    /// Normal end of the answer.
    case stop
    /// The model wants tools run.
    case toolUse = "tool_use"
    /// Output token limit reached.
    case length
    /// Provider content filter / refusal.
    case refusal
    case unknown
}

/// Token counts of one model call.
public struct Usage: Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    public static func + (a: Usage, b: Usage) -> Usage {
        Usage(inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens)
    }
}

/// One model call, provider-neutral.
public struct ModelRequest: Sendable {
    /// The provider-side model id (the part after `provider/`).
    public var model: String
    public var system: String?
    public var messages: [ChatMessage]
    public var tools: [ToolSpec]
    public var maxTokens: Int?
    public var temperature: Double?
    public var thinking: ThinkingLevel

    public init(
        model: String, system: String? = nil, messages: [ChatMessage], tools: [ToolSpec] = [], maxTokens: Int? = nil,
        temperature: Double? = nil, thinking: ThinkingLevel = .off
    ) {
        self.model = model
        self.system = system
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.thinking = thinking
    }
}

/// What a streaming model call yields, in order. A stream always ends with exactly one
/// `.finished` or throws a `ModelError`.
public enum ModelStreamEvent: Sendable, Hashable {
    case textDelta(String)
    /// A fully assembled tool call (deltas are assembled by index inside the provider).
    case toolCall(ToolCall)
    case finished(ModelResponse)
}

/// The whole result of one model call.
public struct ModelResponse: Sendable, Hashable {
    public var text: String
    public var toolCalls: [ToolCall]
    public var usage: Usage
    public var stopReason: StopReason
    /// `provider/model` that produced it (after fallbacks).
    public var modelRef: String

    public init(text: String, toolCalls: [ToolCall], usage: Usage, stopReason: StopReason, modelRef: String) {
        self.text = text
        self.toolCalls = toolCalls
        self.usage = usage
        self.stopReason = stopReason
        self.modelRef = modelRef
    }
}

/// A `provider/model` reference.
public struct ModelRef: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Parses `provider/model` (the model part may itself contain `/`, as OpenRouter ids do).
    public init?(parsing text: String) {
        let trimmed = Substring(text).drop(while: { $0 == " " })
        guard let slash = trimmed.firstIndex(of: "/") else { return nil }
        let provider = String(trimmed[..<slash])
        let model = String(trimmed[trimmed.index(after: slash)...])
        guard !provider.isEmpty, !model.isEmpty else { return nil }
        self.provider = provider.lowercased()
        self.model = model
    }

    public var description: String { "\(provider)/\(model)" }
}

/// Every way a model call fails, in words a user can act on.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No model configured at all (no provider key, no config block).
    case notConfigured(String)
    /// `provider/model` names an unknown provider.
    case unknownProvider(String)
    /// 401/403: never retried, never falls back.
    case authentication(provider: String, status: Int, envVar: String?, message: String)
    /// 429/529 after retries; `retryAfterSeconds` from the last answer.
    case rateLimited(provider: String, status: Int, retryAfterSeconds: Double?)
    /// 5xx after retries.
    case server(provider: String, status: Int, message: String)
    /// Other 4xx (bad request, context too long, …).
    case invalidRequest(provider: String, status: Int, message: String)
    /// Connect/request timeout after retries.
    case timeout(provider: String)
    /// The stream stalled longer than the idle watchdog.
    case idleTimeout(provider: String, seconds: Int)
    /// Garbage, truncated or unparsable answer.
    case malformed(provider: String, message: String)
    /// Network failure after retries.
    case transport(provider: String, message: String)
    /// The caller cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .notConfigured(let m): m
        case .unknownProvider(let p): "unknown model provider '\(p)': add models.providers.\(p) to the config"
        case .authentication(let p, let s, let env, let m):
            "provider '\(p)' rejected the credentials (HTTP \(s))" + (env.map { ": check \($0)" } ?? "") + (m.isEmpty ? "" : " (\(m))")
        case .rateLimited(let p, let s, let r):
            "provider '\(p)' is rate limiting (HTTP \(s))" + (r.map { ", retry after \(Int($0.rounded(.up))) s" } ?? "")
        case .server(let p, let s, let m): "provider '\(p)' failed (HTTP \(s))" + (m.isEmpty ? "" : ": \(m)")
        case .invalidRequest(let p, let s, let m): "provider '\(p)' refused the request (HTTP \(s))" + (m.isEmpty ? "" : ": \(m)")
        case .timeout(let p): "provider '\(p)' timed out"
        case .idleTimeout(let p, let s): "provider '\(p)' stream stalled for more than \(s) s"
        case .malformed(let p, let m): "provider '\(p)' sent an unreadable answer: \(m)"
        case .transport(let p, let m): "cannot reach provider '\(p)': \(m)"
        case .cancelled: "cancelled"
        }
    }

    /// Worth trying the next fallback model for (everything but auth, bad config and cancellation).
    public var allowsFallback: Bool {
        switch self {
        case .authentication, .notConfigured, .unknownProvider, .cancelled: false
        default: true
        }
    }

    /// The upstream `errorKind` of a `chat` error event.
    public var errorKind: String {
        switch self {
        case .rateLimited: "rate_limit"
        case .timeout, .idleTimeout: "timeout"
        case .invalidRequest(_, _, let m) where m.lowercased().contains("context"): "context_length"
        default: "unknown"
        }
    }
}

/// One provider endpoint (OpenAI Chat Completions, OpenAI Responses, Anthropic Messages).
public protocol ModelProvider: Sendable {
    /// Provider id as used in refs (`openai`, `anthropic`, `ollama`, custom ids).
    var id: String { get }
    /// One call, streamed. Implementations retry nothing: `ModelClient` does retries and fallbacks.
    /// Throws `ModelError` (from the stream) on failure; honours task cancellation.
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelStreamEvent, any Error>
}
