import Logging
import TalonAgent
import TalonCore
import TalonModels
import TalonStore

/// Inbound processing: stored updates are handled in order per chat (chats in parallel, bounded), and each
/// is marked answered together with its queued replies, so a restart answers exactly the unanswered ones.
extension TelegramBot {
    static let maxParallelChats = 16
    static let inboxRescanEvery: Duration = .seconds(10)

    func inboundLoop() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    for item in try await store.inboxPending(channel: Self.channel, account: account, limit: 100) {
                        guard await state.inFlightCount < Self.maxParallelChats else { break }
                        guard let update = try? JSON5.parse(item.payloadJSON), let message = TelegramMessage(update: update) else {
                            await complete(item, replies: [])  // not a message we act on (edits, joins, …)
                            continue
                        }
                        guard await state.claim(itemId: item.id, chatId: message.chatId) else { continue }
                        group.addTask {
                            await self.handle(item, message)
                            await self.state.release(itemId: item.id, chatId: message.chatId)
                            await self.inboxSignal.fire()
                        }
                    }
                } catch {
                    logger.warning("cannot read the telegram inbox", metadata: ["error": "\(error)"])
                }
                await inboxSignal.wait(timeout: Self.inboxRescanEvery)
            }
        }
    }

    func complete(_ item: InboxItem, replies: [OutboxDraft]) async {
        do {
            try await store.inboxComplete(id: item.id, replies: replies, channel: Self.channel, account: account, nowMs: Clocks.nowMs())
            if !replies.isEmpty { await outboxSignal.fire() }
        } catch {
            // Stays pending and is handled again at the next scan.
            logger.error("cannot record a handled telegram message", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func replies(_ text: String, to message: TelegramMessage, markdown: Bool = true) -> [OutboxDraft] {
        TelegramOutboundMessage.drafts(
            text, chatId: message.chatId, topicId: message.topicId, limit: settings.textChunkLimit, markdown: markdown)
    }

    private func handle(_ item: InboxItem, _ message: TelegramMessage) async {
        guard let senderId = message.senderId else { return await complete(item, replies: []) }
        let sender = String(senderId)
        var text = message.text
        if message.isGroup {
            let botId = await state.botId
            let matcher = await state.mentionMatcher(patterns: mentionPatterns)
            // `@bot`, `/command@bot`, a reply to the bot, or a configured pattern.
            let mentioned = matcher.isMentioned(text: text, isReplyToBot: botId != nil && message.replyToUserId == botId)
            if case .ignore(let reason) = settings.access.decideGroup(
                chatId: String(message.chatId), senderId: sender, mentioned: mentioned)
            {
                logger.debug("ignoring a group message", metadata: ["chat": "\(message.chatId)", "reason": .string(reason)])
                return await complete(item, replies: [])
            }
            text = matcher.stripMention(text)
        } else {
            let approved = (try? await pairing.isApproved(channel: Self.channel, account: account, senderId: sender)) ?? false
            switch settings.access.decideDirect(senderId: sender, isApproved: approved) {
            case .allow: break
            case .ignore(let reason):
                logger.info("ignoring a direct message", metadata: ["sender": .string(sender), "reason": .string(reason)])
                return await complete(item, replies: [])
            case .pair:
                return await complete(item, replies: await pairingReply(message, sender: sender))
            }
        }
        if let command = TelegramCommand(text: text) {
            return await complete(item, replies: replies(await answer(command, message), to: message))
        }
        var images: [ContentPart] = []
        if let file = message.file {
            switch await inboundMedia(file, caption: text) {
            case .text(let prompt): text = prompt
            case .image(let part, let prompt):
                images = [part]
                text = prompt
            case .reply(let note): return await complete(item, replies: replies(note, to: message, markdown: false))
            }
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !images.isEmpty else {
            return await complete(item, replies: [])
        }
        if message.isGroup { text = "[\(message.senderName)\(message.senderUsername.map { " (@\($0))" } ?? "")]: \(text)" }
        let request = RunRequest(sessionKey: sessionKey(for: message), message: text, images: images, channel: Self.channel)
        let outcome = await runAgent(request, message: message)
        await complete(item, replies: replyText(for: outcome).map { replies($0, to: message) } ?? [])
    }

    private func pairingReply(_ message: TelegramMessage, sender: String) async -> [OutboxDraft] {
        do {
            let (pairing, account) = (self.pairing, self.account)
            let name = message.senderUsername.map { "@\($0)" } ?? message.senderName
            let outcome = try await pairingGate.run {
                try await pairing.request(
                    channel: Self.channel, account: account, senderId: sender, senderName: name, chatId: String(message.chatId))
            }
            switch outcome {
            case .code(let code, let isNew):
                if isNew { logger.info("new pairing request", metadata: ["sender": .string(sender), "code": .string(code)]) }
                return replies(
                    "This assistant is private. To get access, ask its owner to approve this pairing code:\n\n\(code)\n\n"
                        + "(talon pairing approve telegram \(code)) — the code is valid for one hour.", to: message, markdown: false)
            case .tooManyPending:
                return replies("This assistant has too many pending access requests. Please try again later.", to: message, markdown: false)
            }
        } catch {
            logger.error("cannot store a pairing request", metadata: ["error": "\(error)"])
            return replies("Sorry, access requests cannot be taken right now. Please try again later.", to: message, markdown: false)
        }
    }

    var mentionPatterns: [String] {
        config.messages["groupChat"]?["mentionPatterns"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    func sessionKey(for message: TelegramMessage) -> String {
        let agentId = config.agents.defaultAgentId
        if message.isGroup {
            return ChannelSessionKeys.group(
                agentId: agentId, channel: Self.channel, groupId: String(message.chatId), topicId: message.topicId.map(String.init))
        }
        return ChannelSessionKeys.direct(
            agentId: agentId, dmScope: DMScope(rawValue: config.session.dmScope) ?? .main, mainKey: config.session.mainKey,
            channel: Self.channel, accountId: account, peerId: String(message.senderId ?? message.chatId))
    }

    /// The text to send for a finished run (nil: nothing, e.g. the silent `NO_REPLY`).
    func replyText(for outcome: RunOutcome) -> String? {
        switch outcome {
        case .completed(let text, _, _, _):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty || trimmed == "NO_REPLY" ? nil : trimmed
        case .aborted: return nil
        case .failed(_, let message): return "⚠️ Sorry, I could not answer: \(message)"
        }
    }
}
