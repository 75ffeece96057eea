import Logging
import TalonAgent
import TalonCore

/// Follows one run for a chat: the typing indicator every ~5 s, and the preview (`partial`) or status
/// (`progress`) message, edited at most once a second. Groups get no preview edits (20 messages/min there).
extension TelegramBot {
    static let typingEvery: Duration = .seconds(5)
    static let previewMinChars = 30
    static let editInterval: Duration = .seconds(1)

    func runAgent(_ request: RunRequest, message: TelegramMessage) async -> RunOutcome {
        let subscription = runtime.subscribe()
        let runId = await runtime.submit(request)
        let typing = Task { await self.keepTyping(message) }
        defer { typing.cancel() }
        var preview = Preview(mode: message.isGroup ? .off : settings.streaming)
        for await event in subscription.events where event.runId == runId {
            switch event {
            case .assistantDelta(_, _, let text):
                preview.text += text
                if preview.mode == .partial { await updatePreview(&preview, message, showing: preview.text) }
            case .toolStarted(_, _, _, let name, _):
                preview.toolLines.append("🔧 \(name)")
                if preview.mode == .progress { await updatePreview(&preview, message, showing: preview.toolLines.joined(separator: "\n")) }
            case .finished(_, _, let outcome, _):
                await finishPreview(preview, message)
                return outcome
            default: break
            }
        }
        return await runtime.wait(runId: runId, timeout: .seconds(5))?.outcome ?? .failed(kind: "unknown", message: "the run was lost")
    }

    private func keepTyping(_ message: TelegramMessage) async {
        while !Task.isCancelled {
            await gate.waitIfPaused()
            var params: [String: JSONValue] = ["chat_id": .number(Double(message.chatId)), "action": "typing"]
            if let topic = message.topicId { params["message_thread_id"] = .number(Double(topic)) }
            _ = try? await api.call("sendChatAction", .object(params), timeout: .seconds(10))
            try? await Task.sleep(for: Self.typingEvery)
        }
    }

    /// Creates the preview message, or edits it when a second has passed since the last edit.
    private func updatePreview(_ preview: inout Preview, _ message: TelegramMessage, showing text: String) async {
        let shown = String(text.prefix(4000))
        if preview.messageId == nil {
            guard preview.mode == .progress || shown.count >= Self.previewMinChars else { return }
            preview.messageId = try? await send(
                TelegramOutboundMessage(text: shown, markdown: false, topicId: message.topicId), chatId: message.chatId)
            preview.lastEdit = .now
            preview.shown = shown
            return
        }
        guard ContinuousClock.now - preview.lastEdit >= Self.editInterval, shown != preview.shown else { return }
        await edit(preview, chatId: message.chatId, text: shown)
        preview.lastEdit = .now
        preview.shown = shown
    }

    private func finishPreview(_ preview: Preview, _ message: TelegramMessage) async {
        guard let messageId = preview.messageId else { return }
        switch preview.mode {
        case .partial:
            // The answer follows as normal (durable) messages; the draft goes.
            _ = try? await api.call(
                "deleteMessage", ["chat_id": .number(Double(message.chatId)), "message_id": .number(Double(messageId))])
        case .progress:
            let final = preview.toolLines.joined(separator: "\n") + "\n✅ done"
            if final != preview.shown { await edit(preview, chatId: message.chatId, text: final) }
        case .off: break
        }
    }

    private func edit(_ preview: Preview, chatId: Int64, text: String) async {
        guard let messageId = preview.messageId else { return }
        await gate.waitIfPaused()
        do {
            _ = try await api.call(
                "editMessageText", ["chat_id": .number(Double(chatId)), "message_id": .number(Double(messageId)), "text": .string(text)])
        } catch let error as TelegramAPIError {
            if let seconds = error.retryAfter { await gate.pause(seconds: seconds) }
            logger.debug("preview edit failed", metadata: ["error": "\(error)"])
        } catch {
            logger.debug("preview edit failed", metadata: ["error": "\(error)"])
        }
    }
}

struct Preview {
    var mode: TelegramStreamingMode
    var text = ""
    var toolLines: [String] = []
    var messageId: Int64?
    var lastEdit: ContinuousClock.Instant = .now
    var shown = ""
}
