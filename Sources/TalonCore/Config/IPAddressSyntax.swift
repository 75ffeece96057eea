/// Syntax checks for IP addresses and CIDR blocks in the config (`gateway.trustedProxies`).
/// Only the form is checked here; matching requests against the ranges is the gateway's job.
public enum IPAddressSyntax {
    /// `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`, `::ffff:10.0.0.1/128`.
    public static func isAddressOrCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first else { return false }
        let isV4 = isIPv4(address)
        guard isV4 || isIPv6(address) else { return false }
        guard parts.count == 2 else { return true }
        let prefix = parts[1]
        guard !prefix.isEmpty, prefix.count <= 3, prefix.allSatisfy(\.isASCIIDigit), let length = Int(prefix) else { return false }
        return length <= (isV4 ? 32 : 128)
    }

    public static func isIPv4(_ text: some StringProtocol) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        return octets.allSatisfy { octet in
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCIIDigit), let value = Int(octet) else { return false }
            return value <= 255
        }
    }

    public static func isIPv6(_ text: some StringProtocol) -> Bool {
        guard text.contains(":") else { return false }
        let halves = text.components(separatedByString: "::")
        guard halves.count <= 2 else { return false }
        var groupCount = 0
        for (offset, half) in halves.enumerated() {
            guard !half.isEmpty else { continue }
            let groups = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, group) in groups.enumerated() {
                // An embedded IPv4 address may end the address (`::ffff:10.0.0.1`).
                if offset == halves.count - 1, index == groups.count - 1, group.contains(".") {
                    guard isIPv4(group) else { return false }
                    groupCount += 2
                    continue
                }
                guard (1...4).contains(group.count), group.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return false }
                groupCount += 1
            }
        }
        return halves.count == 2 ? groupCount <= 7 : groupCount == 8
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension StringProtocol {
    /// Splits on a multi-character separator (Foundation's `components(separatedBy:)` without Foundation).
    fileprivate func components(separatedByString separator: String) -> [Substring] {
        var result: [Substring] = []
        let whole = Substring(self)
        var start = whole.startIndex
        while let range = whole[start...].firstRange(of: separator) {
            result.append(whole[start..<range.lowerBound])
            start = range.upperBound
        }
        result.append(whole[start...])
        return result
    }
}
