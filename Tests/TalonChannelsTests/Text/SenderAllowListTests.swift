import Testing

@testable import TalonChannels

@Suite("SenderAllowList")
struct SenderAllowListTests {
    @Test("entries are trimmed, lower-cased and stripped of channel prefixes")
    func normalization() {
        let list = SenderAllowList([" 123 ", "tg:456", "TELEGRAM:789", "Tg: 42", "@Alice", ""])
        #expect(list.contains("123"))
        #expect(list.contains("456"))
        #expect(list.contains("789"))
        #expect(list.contains("42"))
        #expect(list.contains("@alice"))
        #expect(list.contains("tg:123"))
        #expect(list.contains(" telegram:456 "))
        #expect(!list.contains("999"))
        #expect(!list.contains(""))
        #expect(!list.isEmpty)
        #expect(!list.allowsEveryone)
    }

    @Test("a star allows everyone")
    func star() {
        let list = SenderAllowList(["*"])
        #expect(list.allowsEveryone)
        #expect(list.contains("anyone"))
        #expect(SenderAllowList(["tg:*"]).allowsEveryone)
    }

    @Test("empty lists contain nobody")
    func empty() {
        #expect(SenderAllowList([]).isEmpty)
        #expect(SenderAllowList(["", "  "]).isEmpty)
        #expect(!SenderAllowList([]).contains("1"))
        #expect(!SenderAllowList([]).allowsEveryone)
    }

    @Test("custom prefixes replace the Telegram ones")
    func customPrefixes() {
        let list = SenderAllowList(["discord:55", "tg:66"], prefixes: ["discord:"])
        #expect(list.contains("55"))
        #expect(list.contains("discord:55"))
        #expect(!list.contains("66"))
        #expect(list.contains("tg:66"))
    }

    @Test("lists with the same normalized entries are equal")
    func equality() {
        #expect(SenderAllowList(["1", "tg:2"]) == SenderAllowList([" 1", "TELEGRAM:2"]))
        #expect(SenderAllowList(["1"]) != SenderAllowList(["2"]))
    }

    @Test("orderedEntries keeps the configured order, normalized")
    func orderedEntries() {
        #expect(SenderAllowList(["tg:9", " 3 ", "", "*"]).orderedEntries == ["9", "3", "*"])
    }
}
