import TalonCore

/// One operation's outcome: the REST status and JSON body. MCP tools return the same body as text, with
/// `isError` set for statuses ≥ 400, so both surfaces stay in step.
public struct PlatformResult: Sendable, Equatable {
    public var status: Int
    public var body: JSONValue

    public init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    public var isError: Bool { status >= 400 }

    /// `{"error": message}` plus any extra keys, the shape mctl-api's handlers answer with.
    static func error(_ status: Int, _ message: String, extra: [String: JSONValue] = [:]) -> PlatformResult {
        var object = extra
        object["error"] = .string(message)
        return PlatformResult(status: status, body: .object(object))
    }

    static func ok(_ body: [String: JSONValue], status: Int = 200) -> PlatformResult {
        PlatformResult(status: status, body: .object(body))
    }
}

/// A failure that maps to one HTTP status, thrown inside operations and turned into a `PlatformResult` at the edge.
struct PlatformFailure: Error, Sendable {
    var status: Int
    var message: String
    var extra: [String: JSONValue] = [:]

    static func badRequest(_ message: String) -> PlatformFailure { PlatformFailure(status: 400, message: message) }
    static func notFound(_ message: String) -> PlatformFailure { PlatformFailure(status: 404, message: message) }
    static func conflict(_ message: String, extra: [String: JSONValue] = [:]) -> PlatformFailure {
        PlatformFailure(status: 409, message: message, extra: extra)
    }
    static let ownerRequired = PlatformFailure(status: 403, message: "owner role is required for this OpenClaw action")
    static let memberRequired = PlatformFailure(status: 403, message: "tenant membership is required for this OpenClaw action")

    var result: PlatformResult { .error(status, message, extra: extra) }
}
