import PostgresNIO

/// Maps driver errors to `StoreError`: anything that means "cannot talk to the server now" becomes
/// `.unavailable` (the gateway answers 503 and the pool reconnects); real SQL errors become `.failed`.
enum PostgresErrors {
    /// SQLSTATEs that describe the server or the connection, not the statement.
    private static let unavailableStates: Set<String> = [
        "53000",  // insufficient_resources
        "53300",  // too_many_connections
        "57014",  // query_canceled (statement_timeout on an overloaded server)
        "57P01",  // admin_shutdown
        "57P02",  // crash_shutdown
        "57P03",  // cannot_connect_now (starting up / shutting down)
        "57P05",  // idle_session_timeout
    ]

    /// - Parameter opening: at open time, authentication and TLS problems are configuration errors; later
    ///   they are treated as an outage (a rotated password should not look like a bug in the request).
    static func map(_ error: any Error, endpoint: String, opening: Bool = false) -> any Error {
        let prefix = "postgres at \(endpoint)"
        switch error {
        case is StoreError, is CancellationError:
            return error
        case let timeout as OperationTimedOut:
            return StoreError.unavailable("\(prefix): no answer within \(timeout.after.shortDescription)")
        case let transaction as PostgresTransactionError:
            if let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
                return map(inner, endpoint: endpoint, opening: opening)
            }
            return StoreError.failed("postgres transaction failed")
        case let psql as PSQLError:
            return map(psql, prefix: prefix, opening: opening)
        case is IOError, is ChannelError, is NIOConnectionError:
            return StoreError.unavailable("\(prefix): \(conciseReason(error))")
        default:
            // Includes the pool's own refusals (ConnectionPoolError: shut down, gave up reconnecting for now).
            if String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError") {
                return StoreError.unavailable("\(prefix): no connection available (\(describe(error)))")
            }
            return opening ? StoreError.unavailable("\(prefix): \(describe(error))") : StoreError.failed("postgres: \(describe(error))")
        }
    }

    private static func map(_ error: PSQLError, prefix: String, opening: Bool) -> any Error {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?????"
            let text = "\(error.serverInfo?[.message] ?? "server error") (SQLSTATE \(state))"
            if state.hasPrefix("08") || unavailableStates.contains(state) {
                return StoreError.unavailable("\(prefix): \(text)")
            }
            // invalid_authorization_specification / invalid_password / database does not exist
            if state.hasPrefix("28") || state == "3D000" {
                return opening ? StoreError.configuration("\(prefix): \(text)") : StoreError.unavailable("\(prefix): \(text)")
            }
            return StoreError.failed("postgres: \(text)")
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .queryCancelled:
            return StoreError.unavailable("\(prefix): \(reason(error))")
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest, .unsupportedAuthMechanism,
            .authMechanismRequiresPassword, .saslError:
            return opening ? StoreError.configuration("\(prefix): \(reason(error))") : StoreError.unavailable("\(prefix): \(reason(error))")
        default:
            return StoreError.failed("postgres: \(reason(error))")
        }
    }

    /// The code plus the underlying NIO error, whose text says what happened ("Connection refused").
    private static func reason(_ error: PSQLError) -> String {
        guard let underlying = error.underlying else { return error.code.description }
        return "\(error.code.description): \(conciseReason(underlying))"
    }

    /// NIO's connection errors carry the useful part ("Connection refused (errno: 111)") inside a long dump.
    static func conciseReason(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return describe(first.error) }
            if let dns = connection.dnsAError ?? connection.dnsAAAAError { return "cannot resolve host: \(describe(dns))" }
        }
        return describe(error)
    }
}
