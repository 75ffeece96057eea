import AsyncHTTPClient

/// The HTTP client channels use: one process-lifetime pool. Connection attempts are not retried by the pool,
/// because the channel loops retry with their own backoff and log it.
public enum ChannelHTTPClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
