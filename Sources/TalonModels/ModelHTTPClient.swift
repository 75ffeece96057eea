import AsyncHTTPClient
import NIOCore

/// The HTTP client model providers use by default. Like `HTTPClient.shared`, except that the pool
/// does not silently retry failed connection attempts until the connect deadline: `ModelClient`
/// retries with its own backoff (and logs it), so a stopped local server fails in milliseconds
/// per attempt instead of 10 s.
enum ModelHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        // Process-lifetime client, like `HTTPClient.shared`: never shut down.
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
