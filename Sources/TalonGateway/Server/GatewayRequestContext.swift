import Hummingbird
import NIOCore

/// Who made a request, as established by `AuthMiddleware`.
public struct RequestIdentity: Sendable, Hashable {
    /// "token", "password", "trusted-proxy", "none" or "loopback".
    public var method: String
    /// The platform user (trusted-proxy mode), when known.
    public var user: String?
    public var role: String?
}

/// Per-request state: the peer address (for limits and trusted proxies), the identity, the body limit.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var identity: RequestIdentity?
    /// Set per route by `BodyLimitMiddleware`; `request.body.collect(upTo:)` callers use it.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.identity = nil
        self.maxUploadSize = 1_048_576
    }

    /// The peer's IP address as text ("127.0.0.1", "::1"), or "unknown".
    public var peerIP: String {
        remoteAddress?.ipAddress ?? "unknown"
    }

    public var isLoopbackPeer: Bool {
        guard let ip = remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
