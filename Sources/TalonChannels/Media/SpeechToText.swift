import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import TalonCore

/// Speech-to-text for inbound voice notes, from `tools.media.audio.models` (falling back to `tools.media.models`
/// entries with the `audio` capability), tried in order: an OpenAI-compatible `/audio/transcriptions` provider,
/// or a local command such as whisper.cpp's `whisper-cli`.
public struct SpeechToText: Sendable {
    enum Backend: Sendable, Hashable {
        case http(baseURL: String, apiKey: String?, model: String, headers: [String: String])
        case cli(command: String, args: [String], timeoutSeconds: Int)
    }

    let backends: [Backend]
    let maxBytes: Int
    let logger: Logger

    public var isConfigured: Bool { !backends.isEmpty }

    public init(config: TalonConfig, environment: [String: String], logger: Logger) {
        let audio = config.tools["media"]?["audio"]
        self.logger = logger
        self.maxBytes = audio?["maxBytes"]?.intValue ?? 20 * 1024 * 1024
        guard audio?["enabled"]?.boolValue != false else {
            self.backends = []
            return
        }
        var entries = audio?["models"]?.arrayValue ?? []
        for shared in config.tools["media"]?["models"]?.arrayValue ?? []
        where shared["capabilities"]?.arrayValue?.contains(.string("audio")) == true {
            entries.append(shared)
        }
        if entries.isEmpty { entries = Self.autoDetected(config: config, environment: environment) }
        self.backends = entries.compactMap { Self.backend($0, config: config, environment: environment) }
    }

    /// Nothing configured: as upstream, use what is available — a local whisper.cpp with a model, then providers
    /// with a key (OpenAI, Groq).
    static func autoDetected(config: TalonConfig, environment: [String: String]) -> [JSONValue] {
        var entries: [JSONValue] = []
        if environment["WHISPER_CPP_MODEL"] != nil, resolveExecutable("whisper-cli", environment: environment) != nil {
            entries.append(["type": "cli", "command": "whisper-cli"])
        }
        if config.models.providers["openai"]?.apiKey != nil || environment["OPENAI_API_KEY"]?.isEmpty == false {
            entries.append(["provider": "openai"])
        }
        if config.models.providers["groq"]?.apiKey != nil || environment["GROQ_API_KEY"]?.isEmpty == false {
            entries.append(["provider": "groq"])
        }
        return entries
    }

    static func backend(_ entry: JSONValue, config: TalonConfig, environment: [String: String]) -> Backend? {
        if entry["type"]?.stringValue == "cli" || entry["command"] != nil {
            guard let command = entry["command"]?.stringValue, let resolved = resolveExecutable(command, environment: environment) else {
                return nil
            }
            var args = entry["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if args.isEmpty {
                // whisper.cpp: no timestamps, no progress, the model from WHISPER_CPP_MODEL when set.
                args = ["-nt", "-np", "-f", "{{MediaPath}}"]
                if let model = environment["WHISPER_CPP_MODEL"] { args = ["-m", model] + args }
            }
            return .cli(command: resolved, args: args, timeoutSeconds: entry["timeoutSeconds"]?.intValue ?? 60)
        }
        guard let provider = entry["provider"]?.stringValue else { return nil }
        let configured = config.models.providers[provider]
        let defaults = ["openai": "https://api.openai.com/v1", "groq": "https://api.groq.com/openai/v1"]
        guard var baseURL = entry["baseUrl"]?.stringValue ?? configured?.baseUrl ?? defaults[provider] else { return nil }
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let keyVariable = provider.uppercased().replacingOccurrences(of: "-", with: "_") + "_API_KEY"
        let apiKey = entry["apiKey"]?.stringValue ?? configured?.apiKey ?? environment[keyVariable]
        var headers = configured?.headers ?? [:]
        for (name, value) in entry["headers"]?.objectValue ?? [:] { headers[name] = value.stringValue }
        let model = entry["model"]?.stringValue ?? (provider == "openai" ? "gpt-4o-mini-transcribe" : "whisper-large-v3")
        return .http(baseURL: baseURL, apiKey: apiKey, model: model, headers: headers)
    }

    /// An absolute path, or the first match on PATH; nil when the command is not installed.
    static func resolveExecutable(_ command: String, environment: [String: String]) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The transcript of `audio`, from the first backend that succeeds.
    public func transcribe(_ audio: [UInt8], filename: String, mimeType: String) async throws -> String {
        guard !backends.isEmpty else { throw MediaError.noTranscriber }
        guard audio.count <= maxBytes else { throw MediaError.tooLarge(bytes: audio.count, limit: maxBytes) }
        var failures: [String] = []
        for backend in backends {
            do {
                let text: String
                switch backend {
                case .http(let baseURL, let apiKey, let model, let headers):
                    text = try await transcribeHTTP(
                        audio, filename: filename, mimeType: mimeType, baseURL: baseURL, apiKey: apiKey, model: model, headers: headers)
                case .cli(let command, let args, let timeout):
                    text = try await CommandTranscriber.run(
                        command: command, args: args, audio: audio, filename: filename, timeoutSeconds: timeout)
                }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { return trimmed }
                failures.append("empty transcript")
            } catch {
                logger.warning("speech-to-text backend failed", metadata: ["error": "\(error)"])
                failures.append(String(describing: error))
            }
        }
        throw MediaError.transcriptionFailed(failures.joined(separator: "; "))
    }

    private func transcribeHTTP(
        _ audio: [UInt8], filename: String, mimeType: String, baseURL: String, apiKey: String?, model: String,
        headers: [String: String]
    ) async throws -> String {
        let boundary = "talon-\(UInt64.random(in: 0...UInt64.max))"
        var body = ByteBuffer()
        func field(_ name: String, _ value: String) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        field("model", model)
        field("response_format", "json")
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(mimeType)\r\n\r\n")
        body.writeBytes(audio)
        body.writeString("\r\n--\(boundary)--\r\n")

        var request = HTTPClientRequest(url: "\(baseURL)/audio/transcriptions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(body)
        let response = try await ChannelHTTPClient.shared.execute(request, timeout: .seconds(120))
        let text = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
        guard response.status.code == 200 else {
            throw MediaError.transcriptionFailed("HTTP \(response.status.code) from \(baseURL)/audio/transcriptions")
        }
        if let json = try? JSON5.parse(text), let transcript = json["text"]?.stringValue { return transcript }
        throw MediaError.transcriptionFailed("the transcription answer had no \"text\"")
    }
}
