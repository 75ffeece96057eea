import Logging
import TalonCore
import Testing

@testable import TalonChannels

@Suite("Speech-to-text selection")
struct SpeechToTextTests {
    func config(_ text: String) throws -> TalonConfig {
        try ConfigLoader.parse(text: text, path: "/nonexistent/openclaw.json", environment: [:]).config
    }

    @Test func configuredEntriesInOrderAndMissingCommandsSkipped() throws {
        let speech = SpeechToText(
            config: try config(
                #"{ tools: { media: { audio: { models: [{ type: "cli", command: "/nonexistent/whisper-cli" }, { provider: "openai", model: "whisper-1", baseUrl: "http://stt.local/v1/", apiKey: "k" }] } } } }"#
            ), environment: [:], logger: Logger(label: "test"))
        #expect(speech.backends == [.http(baseURL: "http://stt.local/v1", apiKey: "k", model: "whisper-1", headers: [:])])
    }

    @Test func autoDetectsProvidersWithKeysWhenNothingIsConfigured() throws {
        let none = SpeechToText(config: try config("{}"), environment: ["PATH": "/nonexistent"], logger: Logger(label: "test"))
        #expect(!none.isConfigured)
        let openAI = SpeechToText(config: try config("{}"), environment: ["OPENAI_API_KEY": "sk-1"], logger: Logger(label: "test"))
        #expect(
            openAI.backends == [
                .http(baseURL: "https://api.openai.com/v1", apiKey: "sk-1", model: "gpt-4o-mini-transcribe", headers: [:])
            ])
        let disabled = SpeechToText(
            config: try config("{ tools: { media: { audio: { enabled: false } } } }"), environment: ["OPENAI_API_KEY": "sk-1"],
            logger: Logger(label: "test"))
        #expect(!disabled.isConfigured)
    }
}
