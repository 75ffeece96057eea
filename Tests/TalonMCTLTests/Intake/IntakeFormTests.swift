import Testing

@testable import TalonMCTL

@Suite struct IntakeFormTests {
    @Test func rendersTheFieldsEscaped() {
        let html = IntakeForm.render(
            team: "acme<script>", service: "open\"claw", returnTo: "https://acme-openclaw.mctl.ai/?a=1&b='2'", action: "/openclaw/intake",
            notice: "That is not a <bot> token")
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"team\" value=\"acme&lt;script&gt;\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"service\" value=\"open&quot;claw\">"))
        #expect(html.contains("name=\"returnTo\" value=\"https://acme-openclaw.mctl.ai/?a=1&amp;b=&#39;2&#39;\""))
        #expect(html.contains("type=\"password\" id=\"telegram_bot_token\" name=\"telegram_bot_token\""))
        #expect(html.contains("autocomplete=\"off\""))
        #expect(html.contains("<label for=\"telegram_bot_token\">"))
        #expect(html.contains("role=\"alert\">That is not a &lt;bot&gt; token</p>"))
        #expect(html.contains("action=\"/openclaw/intake\""))
        #expect(!html.contains("<script"))
        // Self-contained: no external assets.
        #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("http://"))
        // The token field never carries a value.
        #expect(!html.contains("name=\"telegram_bot_token\" value"))
    }

    @Test func messagePageEscapes() {
        let html = IntakeForm.renderMessage(title: "Saved", message: "<b>ok</b>")
        #expect(html.contains("&lt;b&gt;ok&lt;/b&gt;"))
        #expect(IntakeForm.responseHeaders.contains { $0.name == "Cache-Control" && $0.value == "no-store" })
    }

    @Test func telegramTokenShape() {
        let secret = String(repeating: "A", count: 30) + "b_9-Z"
        #expect(TelegramBotTokenShape.isValid("123456789:\(secret)"))
        #expect(TelegramBotTokenShape.normalized("  123456789:\(secret)\n") == "123456789:\(secret)")
        #expect(TelegramBotTokenShape.isValid(String(repeating: "9", count: 20) + ":" + secret))
        let invalid = [
            "", ":\(secret)", String(repeating: "9", count: 21) + ":" + secret, "12a:\(secret)", "123:\(secret)x",
            "123:" + secret.dropLast(),
            "123:\(secret.dropLast())!", "123 :\(secret)", "123:\(secret.dropLast()) ", "123::\(secret.dropLast())", "١٢٣:\(secret)",
            "123:\(secret)\n456:\(secret)",
        ]
        for token in invalid { #expect(!TelegramBotTokenShape.isValid(token), "\(token.debugDescription)") }
    }

    @Test func formURLEncodedParsing() {
        let fields = FormURLEncoded.parse(
            "team=acme&service=open+claw&returnTo=https%3A%2F%2Fx.mctl.ai%2F%3Fa%3D1&telegram_bot_token=1%3Aab&team=evil")
        #expect(fields["team"] == "acme")  // first value wins
        #expect(fields["service"] == "open claw")
        #expect(fields["returnTo"] == "https://x.mctl.ai/?a=1")
        #expect(fields["telegram_bot_token"] == "1:ab")
        #expect(FormURLEncoded.parse("a=%zz&b=%4&c=%C3%A9&d&&e=") == ["a": "%zz", "b": "%4", "c": "é", "d": "", "e": ""])
        #expect(FormURLEncoded.parse("k%20ey=v%2Bw") == ["k ey": "v+w"])
        #expect(FormURLEncoded.parsePairs("x=1&x=2").map(\.value) == ["1", "2"])
        #expect(FormURLEncoded.maxBodyBytes == 8 * 1024)
    }
}
