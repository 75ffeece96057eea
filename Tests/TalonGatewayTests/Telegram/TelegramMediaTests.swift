import Foundation
import TalonCore
import TalonTestSupport
import Testing

@Suite("Telegram media and voice", .serialized)
struct TelegramMediaTests {
    @Test func voiceNoteIsTranscribedThroughTheSTTProvider() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("heard you"))
        let stt = try await FakeTranscriber.start(transcript: "please restart the api pod", requireKey: "stt-key")
        defer { Task { await stt.stop() } }
        let tg = try await TelegramGateway.start(
            extraConfig: """
                tools: { media: { audio: { models: [{ provider: "openai", model: "whisper-1", baseUrl: "\(stt.baseURL)", apiKey: "stt-key" }] } } },
                """, mock: mock)
        defer { Task { await tg.stop() } }
        let audio = Data((0..<4096).map { UInt8($0 % 251) })
        tg.telegram.sendVoice(from: TelegramGateway.owner, fileBytes: audio)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText == "heard you")
        #expect(mock.requests().last?.lastUserText == "[Audio] please restart the api pod")
        let request = try #require(stt.requests.first)
        #expect(request.model == "whisper-1")
        #expect(request.fileByteCount == audio.count)
        #expect(request.authorization == "Bearer stt-key")
    }

    @Test func voiceWithoutSTTGetsAClearReply() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendVoice(from: TelegramGateway.owner, fileBytes: Data([1, 2, 3]))
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText.contains("not configured"))
        #expect(mock.requests().isEmpty)
        #expect(tg.telegram.downloads.isEmpty, "nothing downloaded without a transcriber")
    }

    @Test func oversizeFilesAreRefusedBeforeDownloading() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(
            telegram: "dmPolicy: \"allowlist\", allowFrom: [\"\(TelegramGateway.owner)\"], mediaMaxMb: 1,", mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendPhoto(from: TelegramGateway.owner, fileBytes: Data([0xFF, 0xD8]), caption: "look", fileSize: 5 * 1024 * 1024)
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText.contains("too large"))
        #expect(tg.telegram.downloads.isEmpty)
        #expect(mock.requests().isEmpty)
    }

    @Test func photoReachesTheModelAsAnImage() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("nice picture"))
        let tg = try await TelegramGateway.start(mock: mock)
        defer { Task { await tg.stop() } }
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 64))
        tg.telegram.sendPhoto(from: TelegramGateway.owner, fileBytes: jpeg, caption: "what is this?")
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText == "nice picture")
        let body = try #require(mock.requests().last?.bodyText)
        #expect(body.contains("data:image/jpeg;base64,\(jpeg.base64EncodedString())"))
        #expect(body.contains("what is this?"))
    }

    @Test func localWhisperCommandTranscribesWhenInstalled() async throws {
        let mock = try await MockModelServer.start()
        mock.enqueue(.text("ok from cli"))
        let dir = try TempDir()
        // A stand-in for whisper.cpp's whisper-cli: prints a transcript naming the size of the file it was given.
        let script = dir.path + "/whisper-cli"
        try "#!/bin/sh\nfor a in \"$@\"; do f=\"$a\"; done\necho \" transcript of $(wc -c < \"$f\" | tr -d ' ') bytes\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let tg = try await TelegramGateway.start(
            extraConfig: """
                tools: { media: { audio: { models: [
                  { type: "cli", command: "/nonexistent/whisper-cli" },
                  { type: "cli", command: "\(script)", args: ["-nt", "-f", "{{MediaPath}}"], timeoutSeconds: 10 },
                ] } } },
                """, mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendVoice(from: TelegramGateway.owner, fileBytes: Data(repeating: 1, count: 1234))
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText == "ok from cli")
        #expect(mock.requests().last?.lastUserText == "[Audio] transcript of 1234 bytes")
    }

    @Test func photoForAModelWithoutImageInputGetsANote() async throws {
        let mock = try await MockModelServer.start()
        let tg = try await TelegramGateway.start(
            extraConfig: """
                models: { providers: { mock: { baseUrl: "\(mock.baseURL)/v1", api: "openai-completions", apiKey: "k",
                  models: [{ id: "test-model", input: ["text"] }] } } },
                """, mock: mock)
        defer { Task { await tg.stop() } }
        tg.telegram.sendPhoto(from: TelegramGateway.owner, fileBytes: Data([0xFF, 0xD8]))
        let reply = try await tg.telegram.waitForMessages(count: 1, chatId: TelegramGateway.owner, timeout: .seconds(20))
        #expect(reply[0].visibleText.contains("cannot read images"))
        #expect(mock.requests().isEmpty)
    }
}
