import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// SSRF guard for `web_fetch`: refuses loopback, private, link-local, unique-local, CGNAT,
/// multicast/reserved and cloud-metadata targets, checking every address a host name resolves to.
/// `web_fetch` then connects to one of exactly those addresses (no second lookup), so a name that
/// resolves differently a moment later (DNS rebinding) cannot slip past the check.
public enum NetworkGuard {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let blockedHostNames: Set<String> = ["localhost", "metadata.google.internal", "metadata", "instance-data"]

    /// Throws when `host` (a name or an IP literal, IPv6 with or without brackets) is not a public target.
    public static func check(host rawHost: String) async throws(Refusal) {
        _ = try await vet(host: rawHost, enforce: true, resolver: resolve)
    }

    /// The address to connect to for `host`: nil for an IP literal (nothing to resolve), else one of the addresses
    /// the name resolves to (IPv4 first). With `enforce`, local names and blocked addresses are refused; without it
    /// (`allowPrivateNetwork`) the name is still resolved once, so the connection goes where the lookup said.
    static func vet(
        host rawHost: String, enforce: Bool, resolver: @Sendable (String) async -> [[UInt8]]
    ) async throws(Refusal) -> String? {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { throw Refusal(description: "the URL has no host") }
        if enforce, blockedHostNames.contains(host) || host.hasSuffix(".localhost") || host.hasSuffix(".internal") {
            throw Refusal(description: "refusing to fetch '\(host)': local or internal host name")
        }
        if let bytes = parseIP(host) {
            if enforce, isBlocked(bytes) {
                throw Refusal(description: "refusing to fetch \(host): private, loopback or link-local address")
            }
            return nil
        }
        let addresses = await resolver(host)
        guard !addresses.isEmpty else { throw Refusal(description: "cannot resolve host '\(host)'") }
        if enforce {
            for address in addresses where isBlocked(address) {
                throw Refusal(description: "refusing to fetch '\(host)': it resolves to a private, loopback or link-local address")
            }
        }
        let chosen = addresses.first { $0.count == 4 } ?? addresses[0]
        return format(chosen)
    }

    /// The text form of a 4- or 16-byte address (`inet_ntop`).
    static func format(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// IPv4 (4 bytes) or IPv6 (16 bytes) from a literal.
    public static func parseIP(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    public static func isBlocked(address text: String) -> Bool {
        guard let bytes = parseIP(text) else { return true }
        return isBlocked(bytes)
    }

    static func isBlocked(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return isBlockedIPv4(bytes[0], bytes[1], bytes[2], bytes[3]) }
        guard bytes.count == 16 else { return true }
        let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) forms.
        if zeroPrefix, (bytes[10] == 0xff && bytes[11] == 0xff) || (bytes[10] == 0 && bytes[11] == 0) {
            if bytes[10] == 0, bytes[12..<16].allSatisfy({ $0 == 0 }) || (bytes[12..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1) {
                return true  // :: and ::1
            }
            return isBlockedIPv4(bytes[12], bytes[13], bytes[14], bytes[15])
        }
        // NAT64 64:ff9b::/96 embeds an IPv4 address.
        if bytes[0] == 0, bytes[1] == 0x64, bytes[2] == 0xff, bytes[3] == 0x9b, bytes[4..<12].allSatisfy({ $0 == 0 }) {
            return isBlockedIPv4(bytes[12], bytes[13], bytes[14], bytes[15])
        }
        // 6to4 2002::/16 embeds an IPv4 address in bytes 2...5.
        if bytes[0] == 0x20, bytes[1] == 0x02 { return isBlockedIPv4(bytes[2], bytes[3], bytes[4], bytes[5]) }
        if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local (incl. fd00:ec2::254 metadata)
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0xc0 { return true }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xff { return true }  // multicast
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0d, bytes[3] == 0xb8 { return true }  // documentation
        return false
    }

    static func isBlockedIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
        switch (a, b) {
        case (0, _), (10, _), (127, _): return true
        case (100, 64...127): return true  // CGNAT
        case (169, 254): return true  // link-local, cloud metadata
        case (172, 16...31), (192, 168): return true
        case (192, 0) where c == 0 || c == 2: return true  // IETF protocol assignments, TEST-NET-1
        case (198, 18...19): return true  // benchmarking
        case (198, 51) where c == 100, (203, 0) where c == 113: return true  // TEST-NET-2/3
        default: return a >= 224  // multicast, reserved, broadcast
        }
    }

    /// All addresses of `host` (getaddrinfo runs on its own thread: it blocks).
    static func resolve(_ host: String) async -> [[UInt8]] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: resolveBlocking(host))
            }
        }
    }

    private static func resolveBlocking(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var result: [[UInt8]] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node, result.count < 64 {
            if let address = current.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin_addr
                        result.append(withUnsafeBytes(of: &value) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin6_addr
                        result.append(withUnsafeBytes(of: &value) { Array($0) })
                    }
                default: break
                }
            }
            node = current.pointee.ai_next
        }
        return result
    }
}
