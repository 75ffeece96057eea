import Foundation
import TalonCore
import TalonTestSupport
import XCTest

/// getFile and downloads, inbound media shapes, and webhook delivery.
final class FakeTelegramFilesWebhookTests: XCTestCase {
    private var fake: FakeTelegram!
    private var receiver: FakeWebhookReceiver?
    private var client: FakeTelegramTestClient { FakeTelegramTestClient(fake: fake) }

    override func setUp() async throws {
        fake = try await FakeTelegram.start()
    }

    override func tearDown() async throws {
        await fake.stop()
        await receiver?.stop()
    }

    func testVoiceFileCanBeFetchedAndDownloaded() async throws {
        let bytes = Data((0..<5000).map { UInt8($0 % 251) })
        fake.sendVoice(from: 42, fileBytes: bytes, durationSeconds: 4)
        let voice = try XCTUnwrap(fake.pendingUpdates.first?["message"]?["voice"])
        XCTAssertEqual(voice["duration"]?.intValue, 4)
        XCTAssertEqual(voice["mime_type"], "audio/ogg")
        XCTAssertEqual(voice["file_size"]?.intValue, 5000)
        XCTAssertNotNil(voice["file_unique_id"]?.stringValue)
        let file = try await client.call("getFile", ["file_id": try XCTUnwrap(voice["file_id"])])
        XCTAssertEqual(file.result?["file_id"], voice["file_id"])
        XCTAssertEqual(file.result?["file_size"]?.intValue, 5000)
        let path = try XCTUnwrap(file.result?["file_path"]?.stringValue)
        let download = try await HTTPProbe(port: fake.port).get("/file/bot\(fake.token)/\(path)")
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.body, bytes)
        XCTAssertEqual(fake.downloads, [path])
        let wrongToken = try await HTTPProbe(port: fake.port).get("/file/bot1:nope/\(path)")
        XCTAssertEqual(wrongToken.status, 401)
    }

    func testOversizedFilesAndUnknownIdsAreRefused() async throws {
        let big = fake.registerFile(bytes: Data("tiny".utf8), fileSize: 25 * 1024 * 1024)
        let tooBig = try await client.call("getFile", ["file_id": .string(big)])
        XCTAssertEqual(tooBig.json, ["ok": false, "error_code": 400, "description": "Bad Request: file is too big"])
        let unknown = try await client.call("getFile", ["file_id": "nope"])
        XCTAssertEqual(unknown.description, "Bad Request: invalid file_id")
        fake.sendPhoto(from: 1, fileBytes: Data(repeating: 7, count: 3000), caption: "look")
        let photo = try XCTUnwrap(fake.pendingUpdates.first?["message"])
        XCTAssertEqual(photo["caption"], "look")
        XCTAssertEqual(photo["photo"]?.arrayValue?.count, 2)
        XCTAssertEqual(photo["photo"]?[1]?["file_size"]?.intValue, 3000)
        fake.sendDocument(from: 1, fileBytes: Data("%PDF".utf8), fileName: "a.pdf", mimeType: "application/pdf")
        XCTAssertEqual(fake.pendingUpdates.last?["message"]?["document"]?["file_name"], "a.pdf")
    }

    func testWebhookDeliveryCarriesTheSecret() async throws {
        let receiver = try await FakeWebhookReceiver.start()
        self.receiver = receiver
        let set = try await client.call("setWebhook", ["url": .string(receiver.baseURL + "/telegram/hook"), "secret_token": "s3cr3t"])
        XCTAssertEqual(set.result, true)
        XCTAssertEqual(fake.webhookSecret, "s3cr3t")
        let status = try await fake.deliverToWebhook(update: ["message": ["message_id": 1, "text": "hi"]], secret: "s3cr3t")
        XCTAssertEqual(status, 200)
        let request = try XCTUnwrap(receiver.requests.first)
        XCTAssertEqual(request.path, "/telegram/hook")
        XCTAssertEqual(request.header("X-Telegram-Bot-Api-Secret-Token"), "s3cr3t")
        XCTAssertEqual(request.header("content-type"), "application/json")
        XCTAssertNotNil(request.body?["update_id"]?.intValue)
        XCTAssertEqual(request.body?["message"]?["text"], "hi")

        receiver.respond(with: 401)
        let refused = try await fake.deliverToWebhook(update: ["message": ["message_id": 2, "text": "x"]], secret: nil)
        XCTAssertEqual(refused, 401)
        XCTAssertNil(receiver.requests.last?.header("X-Telegram-Bot-Api-Secret-Token"))
        let info = try await client.call("getWebhookInfo")
        XCTAssertEqual(info.result?["last_error_message"], "Wrong response from the webhook: 401")
    }
}
