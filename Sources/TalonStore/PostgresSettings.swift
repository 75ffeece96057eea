/// How to reach a PostgreSQL server. `description` never contains the password.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// libpq's `sslmode` values.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server insists (sent as "prefer" without certificate checks: same outcome).
        case allow
        /// TLS when the server offers it, without certificate checks (libpq's default).
        case prefer
        /// TLS or fail; the certificate is not verified (as in libpq).
        case require
        /// TLS with the certificate chain verified against the system trust roots, host name not checked.
        case verifyCA = "verify-ca"
        /// TLS with chain and host name verified.
        case verifyFull = "verify-full"

        init(parsing text: String, source: String) throws {
            guard let mode = SSLMode(rawValue: text.lowercased()) else {
                let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw StoreError.configuration("\(source): unknown sslmode '\(text)' (expected one of: \(known))")
            }
            self = mode
        }
    }

    public static let defaultPort = 5432
    public static let defaultPoolMax = 10
    /// Used when neither the URL nor `DB_USER` names one (libpq would take the OS user; a container has none useful).
    public static let defaultUser = "postgres"

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// Upper bound of pooled connections (`DB_POOL_MAX`).
    public var poolMax: Int
    /// Bound on establishing one TCP (+TLS, +auth) connection.
    public var connectTimeout: Duration
    /// Bound on every store operation, including waiting for a pooled connection.
    public var operationTimeout: Duration

    public init(
        host: String,
        port: Int = PostgresSettings.defaultPort,
        user: String = PostgresSettings.defaultUser,
        password: String? = nil,
        database: String? = nil,
        sslMode: SSLMode = .prefer,
        poolMax: Int = PostgresSettings.defaultPoolMax,
        connectTimeout: Duration = .seconds(5),
        operationTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.sslMode = sslMode
        self.poolMax = poolMax
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
    }

    /// Parses `postgres://` / `postgresql://user:pass@host:port/db?sslmode=…` (user and password percent-decoded).
    /// Error messages never repeat the URL, since it may hold a password.
    public init(url: String) throws {
        func fail(_ reason: String) -> StoreError {
            .configuration("DATABASE_URL is not a valid PostgreSQL URL: \(reason)")
        }
        guard let schemeEnd = url.firstRange(of: "://") else { throw fail("expected postgres://user:password@host:port/database") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw fail("unsupported scheme '\(scheme)' (expected postgres:// or postgresql://)")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try percentDecode(userInfo[..<colon], what: "user name")
                password = try percentDecode(userInfo[userInfo.index(after: colon)...], what: "password")
            } else {
                user = try percentDecode(userInfo, what: "user name")
            }
        }
        let (host, port) = try Self.splitHostPort(rest, fail: fail)
        var sslMode = SSLMode.prefer
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try percentDecode(parts[0], what: "query parameter")
            guard key == "sslmode" else { continue }  // other libpq parameters do not apply here
            let value = parts.count > 1 ? try percentDecode(parts[1], what: "sslmode") : ""
            sslMode = try SSLMode(parsing: value, source: "DATABASE_URL")
        }
        if path.contains("/") { throw fail("the path must be a single database name") }
        let database = try percentDecode(path, what: "database name")
        let resolvedUser = user.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultUser
        self.init(
            host: host,
            port: port,
            user: resolvedUser,
            password: password,
            database: database.isEmpty ? resolvedUser : database,
            sslMode: sslMode
        )
    }

    private static func splitHostPort(_ text: Substring, fail: (String) -> StoreError) throws -> (String, Int) {
        var hostPart = text
        var portPart: Substring?
        if text.hasPrefix("[") {
            // IPv6 literal: [::1]:5432
            guard let close = text.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        let host = try percentDecode(hostPart, what: "host")
        guard !host.isEmpty else { throw fail("missing host") }
        guard !host.contains(",") else { throw fail("multiple hosts are not supported") }
        var port = defaultPort
        if let portPart, !portPart.isEmpty {
            guard let parsed = Int(portPart), (1...65535).contains(parsed) else {
                throw fail("port must be a number between 1 and 65535, got '\(portPart)'")
            }
            port = parsed
        }
        return (host, port)
    }

    /// `host:port` as used in error messages (IPv6 literals bracketed).
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public var description: String {
        "postgres://\(user)@\(endpoint)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    public var debugDescription: String { description }

    /// Keeps the password out of `dump()` and debugger output.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "user": user, "password": password == nil ? "nil" : "<redacted>",
                "database": database, "sslMode": sslMode, "poolMax": poolMax,
            ]
        )
    }
}

/// Decodes `%XX` escapes; rejects malformed escapes and invalid UTF-8.
func percentDecode(_ text: Substring, what: String) throws -> String {
    guard text.contains("%") else { return String(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        guard byte == UInt8(ascii: "%") else {
            bytes.append(byte)
            continue
        }
        guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
            throw StoreError.configuration("DATABASE_URL: malformed percent-encoding in the \(what)")
        }
        bytes.append(high << 4 | low)
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
        throw StoreError.configuration("DATABASE_URL: the \(what) is not valid UTF-8 after percent-decoding")
    }
    return decoded
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
