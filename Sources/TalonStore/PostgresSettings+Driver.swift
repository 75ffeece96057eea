import PostgresNIO

/// Translation of `PostgresSettings` into postgres-nio configurations.
extension PostgresSettings {
    /// libpq semantics: `prefer`/`require` encrypt without checking the certificate; `verify-ca` checks the
    /// chain against the system roots; `verify-full` also checks the host name.
    var tlsConfiguration: TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        return tls
    }

    /// Whether the connection must fail when the server cannot do TLS.
    var tlsRequired: Bool {
        switch sslMode {
        case .disable, .allow, .prefer: false
        case .require, .verifyCA, .verifyFull: true
        }
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch tlsConfiguration {
            case nil: .disable
            case let config? where tlsRequired: .require(config)
            case let config?: .prefer(config)
            }
        var config = PostgresClient.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tls
        )
        config.options.maximumConnections = poolMax
        config.options.minimumConnections = 0
        config.options.connectTimeout = connectTimeout
        return config
    }

    /// A single connection, used to verify the server at open time with the exact failure reason
    /// (the pool only retries quietly).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch tlsConfiguration {
            case nil: tls = .disable
            case let config? where tlsRequired: tls = .require(try NIOSSLContext(configuration: config))
            case let config?: tls = .prefer(try NIOSSLContext(configuration: config))
            }
        } catch {
            throw StoreError.configuration("cannot set up TLS for postgres at \(endpoint): \(error)")
        }
        var config = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tls
        )
        config.options.connectTimeout = TimeAmount(connectTimeout)
        return config
    }
}
