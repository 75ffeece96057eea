import Foundation

/// A deliberately small, strict absolute-URL splitter for the intake page's security checks
/// (CSRF origins, redirect targets). It accepts only `scheme://host[:port][/path][?query][#fragment]`
/// in printable ASCII with no userinfo and no backslash, so that what it calls the host is what a
/// browser would connect to; anything unusual is refused rather than interpreted.
struct IntakeURL: Sendable, Equatable {
    /// Lowercased.
    var scheme: String
    /// Lowercased; an IPv6 literal keeps its brackets.
    var host: String
    /// Nil when absent or the scheme's default (80 for http, 443 for https).
    var port: Int?
    /// Starts with "/" or is empty.
    var path: String
    /// Without the "?"; nil when there is no "?".
    var query: String?
    /// Without the "#"; nil when there is no "#".
    var fragment: String?

    /// `scheme://host[:port]`, the form of an `Origin` header (RFC 6454 §6.2).
    var origin: String { port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)" }

    static func parse(_ text: String) -> Self? {
        let bytes = Array(text.utf8)
        // Printable ASCII only: no controls, spaces, DEL or raw non-ASCII, no backslash anywhere.
        guard !bytes.isEmpty, bytes.count <= 4096, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else {
            return nil
        }
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let afterScheme = text[separator.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var rest = afterScheme[authorityEnd...]
        guard let (host, port) = splitAuthority(authority) else { return nil }

        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let defaultPort = scheme == "https" ? 443 : 80
        return Self(
            scheme: scheme, host: host, port: port == defaultPort ? nil : port, path: String(rest), query: query, fragment: fragment)
    }

    /// `host[:port]` → lowercased host and port; nil for userinfo, empty hosts, bad characters or ports.
    static func splitAuthority(_ authority: Substring) -> (host: String, port: Int?)? {
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portPart = after.dropFirst()
            }
            let inner = hostPart.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            }
            // Registered names and IPv4 only: no percent-encoding, no "%2e" tricks.
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
            guard !hostPart.isEmpty, hostPart.allSatisfy({ allowed.contains($0) }) else { return nil }
        }
        var port: Int?
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portPart),
                (1...65535).contains(value)
            else { return nil }
            port = value
        }
        return (hostPart.lowercased(), port)
    }
}
