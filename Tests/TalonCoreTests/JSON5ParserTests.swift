import Testing

@testable import TalonCore

@Suite("JSON5 parser")
struct JSON5ParserTests {
    @Test("comments, trailing commas, unquoted keys and single quotes")
    func json5Forms() throws {
        let text = """
            // line comment
            {
              /* block
                 comment */
              gateway: { port: 18789, bind: 'lan', },  // trailing comma in object
              list: [1, 2, 3,],
              $schema: 'https://example.invalid/schema.json',
              _private: "it's",
              'quoted key': 'say "hi"',
            }
            """
        let value = try JSON5.parse(text)
        #expect(value.value(atPath: "gateway.port") == .number(18_789))
        #expect(value.value(atPath: "gateway.bind") == .string("lan"))
        #expect(value["list"] == [1, 2, 3])
        #expect(value["$schema"]?.stringValue == "https://example.invalid/schema.json")
        #expect(value["_private"]?.stringValue == "it's")
        #expect(value["quoted key"]?.stringValue == "say \"hi\"")
    }

    @Test("numbers: hex, signs, leading and trailing dots, exponents, Infinity and NaN")
    func numbers() throws {
        let value = try JSON5.parse("[0x1F, -0x10, +5, .5, 5., 1e3, -2.5E-1, 0, -0, Infinity, -Infinity, NaN]")
        let numbers = try #require(value.arrayValue).compactMap(\.doubleValue)
        #expect(Array(numbers.prefix(9)) == [31, -16, 5, 0.5, 5, 1000, -0.25, 0, 0])
        #expect(numbers[9] == .infinity)
        #expect(numbers[10] == -.infinity)
        #expect(numbers[11].isNaN)
    }

    @Test("string escapes and line continuations")
    func escapes() throws {
        let value = try JSON5.parse(#"['a\x41\u00e9\n\t\'\"\\\/', "line \\#n continued", "\uD83D\uDE00", "\0"]"#)
        #expect(value[0]?.stringValue == "aAé\n\t'\"\\/")
        #expect(value[1]?.stringValue == "line  continued")
        #expect(value[2]?.stringValue == "😀")
        #expect(value[3]?.stringValue == "\u{0}")
    }

    @Test("literals, nesting and duplicate keys (the last wins)")
    func literalsAndDuplicates() throws {
        let value = try JSON5.parse("{a: true, b: false, c: null, d: {e: [[]], f: {}}, a: 'again'}")
        #expect(value["a"] == .string("again"))
        #expect(value["b"] == .bool(false))
        #expect(value["c"] == .null)
        #expect(value.value(atPath: "d.e") == .array([.array([])]))
        #expect(value.value(atPath: "d.f") == .object([:]))
    }

    @Test("byte order mark and Unicode spaces are whitespace")
    func unicodeWhitespace() throws {
        #expect(try JSON5.parse("\u{FEFF}{\u{00A0}a:\u{2003}1}") == ["a": 1])
    }

    @Test("a syntax error reports line and column")
    func syntaxErrorPosition() {
        let text = "{\n  a: 1,\n  b: 2 x\n}"
        #expect(throws: JSON5SyntaxError(line: 3, column: 8, message: "expected ',' or '}' after an object member, found 'x'")) {
            try JSON5.parse(text)
        }
    }

    @Test("columns count characters, not bytes")
    func columnsCountScalars() {
        #expect(throws: JSON5SyntaxError(line: 1, column: 8, message: "expected ',' or '}' after an object member, found '?'")) {
            try JSON5.parse("{é: 'ü'?}")
        }
    }

    @Test(
        "malformed documents are rejected with a position",
        arguments: [
            ("", 1, 1, "empty document"),
            ("{a: 1", 1, 6, "unterminated object (opened at line 1, column 1)"),
            ("[1, 2", 1, 6, "unterminated array"),
            ("{a: 'abc}", 1, 5, "unterminated string"),
            ("{a: 'ab\nc'}", 1, 8, "line break inside a string"),
            ("/* open\n{}", 1, 1, "unterminated block comment"),
            ("{a: 012}", 1, 5, "leading zeros are not allowed"),
            ("{a: 12px}", 1, 7, "unexpected 'p' in number"),
            ("{a: tru}", 1, 5, "unexpected 't', expected a value"),
            ("{a 1}", 1, 4, "expected ':' after key \"a\""),
            ("{1: 2}", 1, 2, "expected a key or '}'"),
            ("{} {}", 1, 4, "after the end of the document"),
            ("['\\x4']", 1, 3, "invalid escape"),
        ])
    func malformed(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSON5.parse(text)
            Issue.record("expected a syntax error for \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("deep nesting is bounded instead of overflowing the stack")
    func depthLimit() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSON5SyntaxError.self) { try JSON5.parse(text) }
    }

    @Test("a config syntax error is a root issue carrying the position")
    func configSyntaxError() {
        let issues = configIssues("{\n  gateway: {\n    port: 1\n    bind: 'lan'\n  }\n}")
        #expect(issues.count == 1)
        #expect(issues.first?.path == "")
        #expect(issues.first?.message.hasPrefix("line 4, column 5: expected ',' or '}'") == true, "\(issues)")
    }
}
