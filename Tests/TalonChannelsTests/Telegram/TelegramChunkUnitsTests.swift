import Testing

@testable import TalonChannels

@Suite("Telegram chunks in UTF-16 units")
struct TelegramChunkUnitsTests {
    @Test("emoji-heavy text: every chunk fits the limit in UTF-16 units and no text is lost")
    func emojiChunksFitInUTF16Units() {
        let text = String(repeating: "😀 ok 👨‍👩‍👧‍👦 ", count: 700)
        let chunks = TelegramOutboundMessage.chunks(text, limit: 4000)
        #expect(chunks.count > 1)
        for chunk in chunks { #expect(chunk.utf16.count <= 4000, "chunk of \(chunk.utf16.count) units") }
        let kept = chunks.joined().filter { !$0.isWhitespace }
        #expect(kept == text.filter { !$0.isWhitespace })
    }

    @Test("plain ASCII is split exactly as the Character chunker splits it")
    func asciiIsUnchanged() {
        let text = String(repeating: "word ", count: 2000)
        #expect(TelegramOutboundMessage.chunks(text, limit: 4000) == TextChunker.chunks(text, limit: 4000))
    }
}
