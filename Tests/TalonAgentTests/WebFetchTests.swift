import Foundation
import Hummingbird
import Logging
import NIOCore
import TalonAgent
import TalonCore
import TalonModels
import Testing

@testable import TalonTools

/// A loopback page server for `web_fetch`.
struct PageServer {
    let port: Int
    let task: Task<Void, Never>

    static func start() async throws -> PageServer {
        let router = Router()
        router.get("/page") { _, _ in
            let html = """
                <html><head><title>Test &amp; Page</title><style>body { color: red }</style></head>
                <body><script>var secret = 1;</script><h1>Hello&nbsp;world</h1>
                <p>Fish &amp; chips   cost &lt;5&gt; &#8364;&#x21;</p><!-- hidden --><div>Second   line</div></body></html>
                """
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/redirect") { _, _ in Response(status: .found, headers: [.location: "/page"]) }
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("/big") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: String(repeating: "x", count: 5000))))
        }
        var logger = Logger(label: "talon.test.pages")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task<Void, Never> { _ = try? await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return PageServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

@Suite("web_fetch")
struct WebFetchTests {
    let context = ToolContext(runId: "r", sessionKey: "agent:main:main", sessionId: "s", agentId: "main", workspace: "/tmp")
    var logger: Logger {
        var logger = Logger(label: "talon.test.webfetch")
        logger.logLevel = .critical
        return logger
    }

    @Test func guardClassifiesAddresses() {
        for blocked in [
            "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "0.0.0.0", "fd00::1", "fe80::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "224.0.0.1", "255.255.255.255", "::",
            "fd00:ec2::254", "not-an-ip",
        ] {
            #expect(NetworkGuard.isBlocked(address: blocked), "\(blocked) should be blocked")
        }
        for allowed in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1", "100.128.0.1"] {
            #expect(!NetworkGuard.isBlocked(address: allowed), "\(allowed) should be allowed")
        }
    }

    @Test func refusesPrivateTargets() async throws {
        let tool = WebFetchTool(logger: logger)
        for url in [
            "http://127.0.0.1:9/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
            "http://localhost/",
            "http://metadata.google.internal/", "file:///etc/passwd", "http://[::ffff:127.0.0.1]/",
        ] {
            let output = try await tool.invoke(arguments: ["url": .string(url)], context: context)
            #expect(output.isError, "\(url) should be refused")
            #expect(output.text.contains("refusing") || output.text.contains("only http"), "\(url): \(output.text)")
        }
    }

    @Test func fetchesAndExtractsTextFromALoopbackServerWhenAllowed() async throws {
        let server = try await PageServer.start()
        defer { server.task.cancel() }
        let refused = try await WebFetchTool(logger: logger).invoke(
            arguments: ["url": .string("http://127.0.0.1:\(server.port)/page")], context: context)
        #expect(refused.isError)

        let settings = WebFetchSettings(tools: ["web": ["fetch": ["allowPrivateNetwork": true, "maxBytes": 2048]]])
        let tool = WebFetchTool(settings: settings, logger: logger)
        let output = try await tool.invoke(arguments: ["url": .string("http://127.0.0.1:\(server.port)/redirect")], context: context)
        #expect(!output.isError, "\(output.text)")
        #expect(output.text.contains("URL: http://127.0.0.1:\(server.port)/page"))
        #expect(output.text.contains("Test & Page"))
        #expect(output.text.contains("Hello world"))
        #expect(output.text.contains("Fish & chips cost <5> €!"))
        #expect(output.text.contains("\nSecond line"))
        #expect(!output.text.contains("secret"))
        #expect(!output.text.contains("color"))
        #expect(!output.text.contains("hidden"))

        let loop = try await tool.invoke(arguments: ["url": .string("http://127.0.0.1:\(server.port)/loop")], context: context)
        #expect(loop.isError && loop.text.contains("too many redirects"))
        let big = try await tool.invoke(arguments: ["url": .string("http://127.0.0.1:\(server.port)/big")], context: context)
        #expect(big.text.contains("cut at 2048 bytes"))
        #expect(!big.text.contains(String(repeating: "x", count: 2049)))

        let allowlisted = WebFetchTool(settings: WebFetchSettings(allowHosts: ["127.0.0.1"]), logger: logger)
        #expect(
            !(try await allowlisted.invoke(arguments: ["url": .string("http://127.0.0.1:\(server.port)/page")], context: context)).isError)
        await server.stop()
    }

    @Test("the connection goes to the address the guard checked (no second lookup), on every redirect hop")
    func connectsToTheCheckedAddress() async throws {
        let server = try await PageServer.start()
        defer { server.task.cancel() }
        // A name no system resolver knows: only a connection pinned to the checked address reaches the server.
        let name = "pinned.talon.invalid"
        let resolver: @Sendable (String) async -> [[UInt8]] = { host in host == name ? [[127, 0, 0, 1]] : [] }
        let tool = WebFetchTool(settings: WebFetchSettings(allowPrivateNetwork: true), logger: logger, resolver: resolver)
        let output = try await tool.invoke(arguments: ["url": .string("http://\(name):\(server.port)/redirect")], context: context)
        #expect(!output.isError, "\(output.text)")
        #expect(output.text.contains("URL: http://\(name):\(server.port)/page"))
        #expect(output.text.contains("Hello world"))

        let guarded = WebFetchTool(settings: WebFetchSettings(), logger: logger, resolver: resolver)
        let refused = try await guarded.invoke(arguments: ["url": .string("http://\(name):\(server.port)/page")], context: context)
        #expect(refused.isError)
        #expect(refused.text.contains("resolves to a private"), "\(refused.text)")
        await server.stop()
    }

    @Test func addressesFormatForPinning() {
        #expect(NetworkGuard.format([93, 184, 216, 34]) == "93.184.216.34")
        #expect(NetworkGuard.format([0x26, 0x06, 0x47, 0, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11]) == "2606:4700:4700::1111")
    }

    @Test func htmlExtraction() {
        #expect(HTMLText.extract("<p>a &lt; b</p><p>x < y</p>") == "a < b\n\nx < y")
        #expect(HTMLText.decodeEntities("&amp;&#65;&#x42;&unknown;") == "&AB&unknown;")
    }
}
