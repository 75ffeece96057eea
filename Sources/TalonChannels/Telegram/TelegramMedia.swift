import Foundation
import TalonCore
import TalonModels

/// What an inbound file turns into.
enum InboundMedia: Sendable {
    /// The message text to run (a transcript, or the caption with a note).
    case text(String)
    case image(ContentPart, prompt: String)
    /// Not runnable: tell the user this.
    case reply(String)
}

extension TelegramBot {
    func inboundMedia(_ file: TelegramFileRef, caption: String) async -> InboundMedia {
        let limitMb = settings.mediaMaxBytes / (1024 * 1024)
        if let size = file.fileSize, size > settings.mediaMaxBytes {
            return .reply("That file is too large (\(size / (1024 * 1024)) MB). The limit here is \(limitMb) MB.")
        }
        switch file.kind {
        case .voice, .audio:
            guard speech.isConfigured else {
                return .reply(
                    "🎙️ Voice messages are not configured on this assistant (no speech-to-text). Please send your message as text.")
            }
            do {
                let (bytes, path) = try await download(file)
                let name = path.split(separator: "/").last.map(String.init) ?? "voice.ogg"
                let transcript = try await speech.transcribe(bytes, filename: name, mimeType: file.mimeType ?? "audio/ogg")
                let trimmedCaption = caption.trimmingCharacters(in: .whitespacesAndNewlines)
                return .text("[Audio] \(transcript)" + (trimmedCaption.isEmpty ? "" : "\nUser text: \(trimmedCaption)"))
            } catch MediaError.tooLarge {
                return .reply("That file is too large. The limit here is \(limitMb) MB.")
            } catch {
                logger.warning("voice message not transcribed", metadata: ["error": "\(error)"])
                return .reply("Sorry, I could not transcribe that voice message (\(error)).")
            }
        case .photo:
            guard modelAcceptsImages() else {
                let trimmed = caption.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty {
                    return .reply("The model behind this assistant cannot read images. Please describe the picture in text.")
                }
                return .text("\(trimmed)\n\n[A photo was attached, but the model cannot read images.]")
            }
            do {
                let (bytes, _) = try await download(file)
                let part = ContentPart.image(mediaType: file.mimeType ?? "image/jpeg", base64: Data(bytes).base64EncodedString())
                return .image(part, prompt: caption.isEmpty ? "[Image]" : caption)
            } catch MediaError.tooLarge {
                return .reply("That file is too large. The limit here is \(limitMb) MB.")
            } catch {
                logger.warning("photo not downloaded", metadata: ["error": "\(error)"])
                return .reply("Sorry, I could not download that photo.")
            }
        case .document:
            let trimmed = caption.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return .reply("I can read text, voice messages and photos; this kind of file is not supported yet.") }
            return .text("\(trimmed)\n\n[A file was attached; files are not supported yet.]")
        }
    }

    /// `getFile`, then the download, never reading past the cap.
    private func download(_ file: TelegramFileRef) async throws -> ([UInt8], String) {
        let info = try await api.call("getFile", ["file_id": .string(file.fileId)])
        if let size = info["file_size"]?.intValue, size > settings.mediaMaxBytes {
            throw MediaError.tooLarge(bytes: size, limit: settings.mediaMaxBytes)
        }
        guard let path = info["file_path"]?.stringValue else { throw TelegramAPIError.transport("getFile returned no file_path") }
        return (try await api.download(filePath: path, maxBytes: settings.mediaMaxBytes), path)
    }

    /// False only when the default model's catalogue entry lists its inputs without `image`.
    func modelAcceptsImages() -> Bool {
        guard let primary = config.agents.defaults.model?.primary else { return true }
        let parts = primary.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let provider = config.models.providers[parts[0]] else { return true }
        guard let entry = provider.models.first(where: { $0["id"]?.stringValue == parts[1] }),
            let inputs = entry["input"]?.arrayValue?.compactMap(\.stringValue)
        else { return true }
        return inputs.contains("image")
    }
}
