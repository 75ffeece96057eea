import Foundation

/// `multipart/form-data` bodies (RFC 7578): parsed by the fakes that accept uploads, built by tests
/// that play the client.
public enum FakeMultipart {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var data: [UInt8]

        public init(name: String, filename: String? = nil, contentType: String? = nil, data: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    /// The `boundary` parameter of a Content-Type, unquoted.
    public static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Parts in order; a body that is not well-formed yields the parts read before the damage.
    public static func parse(_ body: [UInt8], contentType: String) -> [Part] {
        guard let boundary = boundary(contentType) else { return [] }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        guard var cursor = find(delimiter, in: body, from: 0) else { return [] }
        cursor += delimiter.count
        var parts: [Part] = []
        while cursor + 1 < body.count {
            // "--" after a delimiter closes the body; otherwise the line ends and a part begins.
            if body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            guard let headStart = find(Array("\r\n".utf8), in: body, from: cursor).map({ $0 + 2 }),
                let headStop = find(headerEnd, in: body, from: headStart),
                let dataStop = find(separator, in: body, from: headStop + 4)
            else { break }
            let head = String(decoding: body[headStart..<headStop], as: UTF8.self)
            if let part = makePart(head: head, data: Array(body[(headStop + 4)..<dataStop])) { parts.append(part) }
            cursor = dataStop + separator.count
        }
        return parts
    }

    private static func makePart(head: String, data: [UInt8]) -> Part? {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in head.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            name = dispositionParameter("name", in: value)
            filename = dispositionParameter("filename", in: value)
        }
        guard let name else { return nil }
        return Part(name: name, filename: filename, contentType: contentType, data: data)
    }

    /// `name="value"` (or unquoted) inside a Content-Disposition value.
    private static func dispositionParameter(_ key: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var text = pair[1]
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return text.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    /// First index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// Builds a body; send it with `Content-Type: multipart/form-data; boundary=<boundary>`.
    public static func encode(boundary: String, parts: [Part]) -> Data {
        var body = Data()
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"" }
            head += "\r\n"
            if let type = part.contentType { head += "Content-Type: \(type)\r\n" }
            body.append(Data((head + "\r\n").utf8))
            body.append(contentsOf: part.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }
}
