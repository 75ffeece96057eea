import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately small HTTP/1.1 client over a raw socket, for talking to the gateway in tests.
/// It can also send headers without the body they announce, which no high-level client allows.
public struct HTTPProbe: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ProbeError("body is not a JSON object: \(text)")
            }
            return object
        }
    }

    public let host: String
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> Response {
        try await request("GET", path, headers: headers)
    }

    public func request(
        _ method: String,
        _ path: String,
        headers: [String: String] = [:],
        body: Data? = nil,
        timeout: Double = 15
    ) async throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, headers.keys.contains(where: { $0.lowercased() == "content-length" }) == false {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var payload = Data(head.utf8)
        if let body { payload.append(body) }
        return try await raw(payload, timeout: timeout, bodyless: method == "HEAD")
    }

    /// Sends `bytes` as they are and reads the response until the server closes the connection.
    /// `bodyless` is for HEAD: the response announces a length but carries no body.
    public func raw(_ bytes: Data, timeout: Double = 15, bodyless: Bool = false) async throws -> Response {
        let host = self.host
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try Self.exchange(host: host, port: port, bytes: bytes, timeout: timeout, bodyless: bodyless) }
                )
            }
        }
    }

    static func exchange(host: String, port: Int, bytes: Data, timeout: Double, bodyless: Bool) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProbeError("socket: \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ProbeError("connect \(host):\(port): errno \(errno)") }
        var sent = 0
        try bytes.withUnsafeBytes { buffer in
            while sent < buffer.count {
                let n = send(fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                // The server may answer (e.g. 413) and close before taking everything: read what it said.
                if n <= 0 { if errno == EPIPE || errno == ECONNRESET { break } else { throw ProbeError("send: errno \(errno)") } }
                sent += n
            }
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 {
                received.append(contentsOf: chunk[0..<n])
                if let response = try? parse(received, complete: false, bodyless: bodyless) { return response }
            } else if n == 0 || errno == ECONNRESET {
                break
            } else {
                throw ProbeError("recv: errno \(errno) after \(received.count) bytes")
            }
        }
        return try parse(received, complete: true, bodyless: bodyless)
    }

    /// Parses a response; with `complete == false` it returns only once the body is whole.
    static func parse(_ data: Data, complete: Bool, bodyless: Bool = false) throws -> Response {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw ProbeError("incomplete response head") }
        let head = String(decoding: data[data.startIndex..<split.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ProbeError("bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[split.upperBound...])
        if bodyless {
            body = Data()
        } else if let length = headers["content-length"].flatMap(Int.init) {
            if body.count < length { throw ProbeError("incomplete body") }
            body = body.prefix(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if !complete {
            throw ProbeError("body runs to end of stream")
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) throws -> Data {
        var output = Data()
        var index = data.startIndex
        while true {
            guard let lineEnd = data[index...].range(of: Data("\r\n".utf8)) else { throw ProbeError("incomplete chunk") }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { throw ProbeError("bad chunk size") }
            if size == 0 { return output }
            let start = lineEnd.upperBound
            guard data.distance(from: start, to: data.endIndex) >= size + 2 else { throw ProbeError("incomplete chunk") }
            output.append(data[start..<data.index(start, offsetBy: size)])
            index = data.index(start, offsetBy: size + 2)
        }
    }
}

public struct ProbeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
