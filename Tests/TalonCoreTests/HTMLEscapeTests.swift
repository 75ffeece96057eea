import Testing

@testable import TalonCore

@Suite("HTMLEscape")
struct HTMLEscapeTests {
    @Test("markup characters always; quotes and apostrophes on request")
    func escapes() {
        let text = #"<a href="x">Tom & Jerry's</a>"#
        #expect(HTMLEscape.escape(text) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry's&lt;/a&gt;")
        #expect(HTMLEscape.escape(text, quotes: false) == #"&lt;a href="x"&gt;Tom &amp; Jerry's&lt;/a&gt;"#)
        #expect(HTMLEscape.escape(text, apostrophes: true) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTMLEscape.escape("plain 😀 text") == "plain 😀 text")
    }
}
