import Testing

@testable import TalonChannels

@Suite("TelegramHTML")
struct TelegramHTMLTests {
    private func html(_ markdown: String) -> String {
        TelegramHTML.render(markdown: markdown)
    }

    @Test("escape replaces &, <, > and quotes")
    func escape() {
        #expect(TelegramHTML.escape(#"a & b < c > d "e""#) == "a &amp; b &lt; c &gt; d &quot;e&quot;")
        #expect(TelegramHTML.escape("plain 👍🏽") == "plain 👍🏽")
        #expect(TelegramHTML.escape("&amp;") == "&amp;amp;")
    }

    @Test("plain text is escaped, quotes kept, line breaks kept as \\n")
    func plainText() {
        #expect(html("if a < b && c > d") == "if a &lt; b &amp;&amp; c &gt; d")
        #expect(html(#"say "hi""#) == #"say "hi""#)
        #expect(html("one\ntwo\n\nthree") == "one\ntwo\n\nthree")
        #expect(html("windows\r\nlines") == "windows\nlines")
        #expect(!html("a\nb").contains("<br"))
    }

    @Test("bold, italic and strike in both marker styles")
    func emphasis() {
        #expect(html("**bold** and __bold__") == "<b>bold</b> and <b>bold</b>")
        #expect(html("*it* and _it_") == "<i>it</i> and <i>it</i>")
        #expect(html("~~gone~~") == "<s>gone</s>")
        #expect(html("***both***") == "<b><i>both</i></b>")
        #expect(html("**bold with *italic* inside**") == "<b>bold with <i>italic</i> inside</b>")
        #expect(html("_it with **bold**_") == "<i>it with <b>bold</b></i>")
        #expect(html("**a < b**") == "<b>a &lt; b</b>")
        #expect(html("x*y*z") == "x<i>y</i>z")
    }

    @Test("underscores inside words are text")
    func snakeCase() {
        #expect(html("call snake_case_name now") == "call snake_case_name now")
        #expect(html("a_b_c and _real_") == "a_b_c and <i>real</i>")
        #expect(html("_real_ly") == "_real_ly")
        #expect(html("file_name.py") == "file_name.py")
    }

    @Test("unmatched or unbalanced markers stay literal")
    func unmatchedMarkers() {
        #expect(html("**bold") == "**bold")
        #expect(html("2 * 3 * 4") == "2 * 3 * 4")
        #expect(html("* not a bullet*") == "• not a bullet*")
        #expect(html("a ** b ** c") == "a ** b ** c")
        #expect(html("~single~") == "~single~")
        #expect(html("**bold*") == "**bold*")
        #expect(html("****") == "****")
        #expect(html("`unclosed code") == "`unclosed code")
        #expect(html("[text](no close") == "[text](no close")
        #expect(html("** **") == "** **")
    }

    @Test("inline code is escaped and never formatted")
    func inlineCode() {
        #expect(html("run `a < b && *c*`") == "run <code>a &lt; b &amp;&amp; *c*</code>")
        #expect(html("``has ` tick``") == "<code>has ` tick</code>")
        #expect(html("`` `x` ``") == "<code>`x`</code>")
        #expect(html("**bold `code` bold**") == "<b>bold <code>code</code> bold</b>")
        #expect(html("*not `closed* here`") == "*not <code>closed* here</code>")
    }

    @Test("backslash escapes make markers literal")
    func backslashEscapes() {
        #expect(html(#"\*not italic\*"#) == "*not italic*")
        #expect(html(#"\_x\_ and \\"#) == #"_x_ and \"#)
        #expect(html(#"path\to"#) == #"path\to"#)
        #expect(html(#"\<b\>"#) == "&lt;b&gt;")
    }

    @Test("fenced code blocks become pre/code with an optional language")
    func codeBlocks() {
        #expect(html("```swift\nlet x = a < b\n```") == "<pre><code class=\"language-swift\">let x = a &lt; b</code></pre>")
        #expect(html("```\n**not bold**\n  indented\n```") == "<pre><code>**not bold**\n  indented</code></pre>")
        #expect(html("before\n```py\nprint(1)\n```\nafter") == "before\n<pre><code class=\"language-py\">print(1)</code></pre>\nafter")
        #expect(html("```js extra info\nx\n```") == "<pre><code class=\"language-js\">x</code></pre>")
        #expect(html("```\"><script>\nx\n```") == "<pre><code>x</code></pre>")
        #expect(html("````\n```\ninner\n```\n````") == "<pre><code>```\ninner\n```</code></pre>")
    }

    @Test("an unclosed fence runs to the end and is still closed in HTML")
    func unclosedFence() {
        #expect(html("text\n```c\nint x;\n") == "text\n<pre><code class=\"language-c\">int x;\n</code></pre>")
        #expect(html("```\n```") == "")
    }

    @Test("links with allowed schemes become anchors; others stay text")
    func links() {
        #expect(html("[site](https://example.com/a?b=1&c=2)") == "<a href=\"https://example.com/a?b=1&amp;c=2\">site</a>")
        #expect(html("[**bold** link](http://x.io)") == "<a href=\"http://x.io\"><b>bold</b> link</a>")
        #expect(html("[me](tg://user?id=1)") == "<a href=\"tg://user?id=1\">me</a>")
        #expect(html("[mail](mailto:a@b.c)") == "<a href=\"mailto:a@b.c\">mail</a>")
        #expect(html("[x](https://e.com/\"q\")") == "<a href=\"https://e.com/&quot;q&quot;\">x</a>")
        #expect(html("[x](https://e.com \"title\")") == "<a href=\"https://e.com\">x</a>")
        #expect(html("[bad](javascript:alert(1))") == "[bad](javascript:alert(1))")
        #expect(html("[rel](./file.md)") == "[rel](./file.md)")
        #expect(html("[](https://e.com)") == "[](https://e.com)")
        #expect(html("[a [nested](https://n.io) b](https://o.io)") == "<a href=\"https://o.io\">a [nested](https://n.io) b</a>")
    }

    @Test("bare URLs keep their underscores")
    func bareURLs() {
        #expect(html("see https://x.io/_a_b_ now") == "see https://x.io/_a_b_ now")
        #expect(html("**https://x.io/p**") == "<b>https://x.io/p</b>")
    }

    @Test("headings become bold lines")
    func headings() {
        #expect(html("# Title") == "<b>Title</b>")
        #expect(html("### Sub *it* ###") == "<b>Sub <i>it</i></b>")
        #expect(html("###### Six") == "<b>Six</b>")
        #expect(html("####### seven") == "####### seven")
        #expect(html("#hashtag") == "#hashtag")
        #expect(html("# C#") == "<b>C#</b>")
        #expect(html("#") == "#")
        #expect(html("intro\n## Part\nbody") == "intro\n<b>Part</b>\nbody")
    }

    @Test("consecutive quote lines form one blockquote")
    func blockquotes() {
        #expect(html("> one\n> **two**\nafter") == "<blockquote>one\n<b>two</b></blockquote>\nafter")
        #expect(html(">tight") == "<blockquote>tight</blockquote>")
        #expect(html("> a\n\n> b") == "<blockquote>a</blockquote>\n\n<blockquote>b</blockquote>")
        #expect(html("> > nested") == "<blockquote>&gt; nested</blockquote>")
        #expect(html("a > b") == "a &gt; b")
    }

    @Test("bullets become • and numbered lists stay")
    func lists() {
        #expect(html("- one\n* two\n+ three") == "• one\n• two\n• three")
        #expect(html("  - nested *it*") == "  • nested <i>it</i>")
        #expect(html("1. first\n2. second") == "1. first\n2. second")
        #expect(html("-not a bullet") == "-not a bullet")
        #expect(html("---") == "---")
        #expect(html("**bold** start") == "<b>bold</b> start")
    }
}
