import Testing

@testable import TalonChannels

@Suite("MentionMatcher")
struct MentionMatcherTests {
    private let matcher = MentionMatcher(botUsername: "TalonBot", patterns: [#"\btalon\b"#, "hey (robot|bot)"])

    @Test("@username mentions match case-insensitively and only as whole usernames")
    func usernameMentions() {
        #expect(matcher.isMentioned(text: "hi @TalonBot", isReplyToBot: false))
        #expect(matcher.isMentioned(text: "@talonbot, what's up", isReplyToBot: false))
        #expect(matcher.isMentioned(text: "(@TALONBOT)", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "hi @TalonBotX", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "hi @TalonBot_2", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "mail me at x@TalonBot", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "nothing here", isReplyToBot: false))
    }

    @Test("commands addressed to the bot count as mentions")
    func commands() {
        #expect(matcher.isMentioned(text: "/status@TalonBot", isReplyToBot: false))
        #expect(matcher.isMentioned(text: "/new_session@talonbot now", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "/status@OtherBot", isReplyToBot: false))
    }

    @Test("patterns match case-insensitively")
    func patterns() {
        #expect(matcher.isMentioned(text: "TALON, help", isReplyToBot: false))
        #expect(matcher.isMentioned(text: "so, Hey Robot!", isReplyToBot: false))
        #expect(!matcher.isMentioned(text: "talons are sharp", isReplyToBot: false))
    }

    @Test("a reply to the bot is a mention")
    func reply() {
        #expect(matcher.isMentioned(text: "plain text", isReplyToBot: true))
        #expect(MentionMatcher(botUsername: nil, patterns: []).isMentioned(text: "", isReplyToBot: true))
    }

    @Test("invalid patterns are skipped and reported")
    func invalidPatterns() {
        let broken = MentionMatcher(botUsername: "@bot", patterns: ["(unclosed", "ok", "", "[z-a]"])
        #expect(broken.invalidPatterns == ["(unclosed", "", "[z-a]"])
        #expect(broken.isMentioned(text: "OK then", isReplyToBot: false))
        #expect(broken.isMentioned(text: "@BOT", isReplyToBot: false))
        #expect(!broken.isMentioned(text: "(unclosed", isReplyToBot: false))
        #expect(matcher.invalidPatterns.isEmpty)
    }

    @Test("without a username only patterns and replies count")
    func noUsername() {
        let anonymous = MentionMatcher(botUsername: "  ", patterns: [])
        #expect(!anonymous.isMentioned(text: "@ hello", isReplyToBot: false))
        #expect(anonymous.stripMention("  @x hi ") == "@x hi")
    }

    @Test("stripMention removes mentions and command suffixes and trims")
    func strip() {
        #expect(matcher.stripMention("@TalonBot what is up") == "what is up")
        #expect(matcher.stripMention("@talonbot, summarize") == "summarize")
        #expect(matcher.stripMention("@TalonBot: status") == "status")
        #expect(matcher.stripMention("tell me @TalonBot please") == "tell me please")
        #expect(matcher.stripMention("thanks @TalonBot") == "thanks")
        #expect(matcher.stripMention("/status@TalonBot") == "/status")
        #expect(matcher.stripMention("/model@talonbot gpt-5") == "/model gpt-5")
        #expect(matcher.stripMention("@TalonBot @TalonBot twice") == "twice")
        #expect(matcher.stripMention("keep @TalonBotX and x@TalonBot") == "keep @TalonBotX and x@TalonBot")
        #expect(matcher.stripMention("  no mention  ") == "no mention")
        #expect(matcher.stripMention("👍🏽 @TalonBot 👍🏽") == "👍🏽 👍🏽")
    }
}
