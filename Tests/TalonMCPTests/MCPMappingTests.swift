import Foundation
import MCP
import TalonCore
import Testing

@testable import TalonMCP

@Suite("MCP result and schema mapping")
struct MCPMappingTests {
    @Test func textPartsAreJoinedAndIsErrorKept() {
        let result = CallTool.Result(
            content: [.text(text: "one", annotations: nil, _meta: nil), .text(text: "two", annotations: nil, _meta: nil)],
            structuredContent: .object(["ignored": .bool(true)]), isError: true)
        #expect(MCPToolResult.output(result) == .init(text: "one\ntwo", isError: true))
    }

    @Test func structuredContentIsSerializedWhenThereIsNoText() {
        let result = CallTool.Result(content: [], structuredContent: .object(["sum": .int(5), "ok": .bool(true)]))
        #expect(MCPToolResult.output(result) == .init(text: #"{"ok":true,"sum":5}"#, isError: false))
    }

    @Test func otherContentIsDescribed() {
        let result = CallTool.Result(content: [
            .image(data: "aGVsbG8=", mimeType: "image/png", annotations: nil, _meta: nil),
            .resource(resource: .text("file body", uri: "file:///a.txt"), annotations: nil, _meta: nil),
            .resourceLink(uri: "file:///b.bin", name: "b.bin", mimeType: "application/octet-stream"),
        ])
        #expect(
            MCPToolResult.output(result).text
                == "file body\n[image: image/png, 5 bytes]\n[resource link: b.bin <file:///b.bin> (application/octet-stream)]")
        #expect(MCPToolResult.output(CallTool.Result(content: [])).text == "(no content)")
    }

    @Test func valuesConvertBothWays() {
        let json: JSONValue = ["a": 2, "b": 2.5, "c": ["x", nil, true]]
        #expect(json.mcpValue == .object(["a": .int(2), "b": .double(2.5), "c": .array([.string("x"), .null, .bool(true)])]))
        #expect(JSONValue(mcp: json.mcpValue) == json)
        #expect(JSONValue(mcp: .data(mimeType: "text/plain", Data("hi".utf8))) == "data:text/plain;base64,aGk=")
    }

    @Test func namesAndSchemas() {
        #expect(MCPTool.qualifiedName(server: "gh", tool: "issues.list/v2") == "gh__issues_list_v2")
        #expect(MCPTool.parameters(from: .object([:])) == ["type": "object", "properties": [:]])
        #expect(MCPTool.parameters(from: .string("nope")) == ["type": "object", "properties": [:]])
        let schema: Value = .object(["type": .string("object"), "properties": .object(["a": .object(["type": .string("integer")])])])
        #expect(MCPTool.parameters(from: schema) == ["type": "object", "properties": ["a": ["type": "integer"]]])
    }

    @Test func sseParserHandlesChunksAndLineEndings() {
        var parser = SSEParser()
        #expect(parser.feed(Array("event: message\r\ndata: {\"a\"".utf8)).isEmpty)
        let events = parser.feed(Array(":1}\r\n\r\n: comment\n\ndata: x\ndata: y\rid: 7\r\r".utf8))
        #expect(events == [.init(event: "message", data: "{\"a\":1}", id: nil), .init(event: nil, data: "x\ny", id: "7")])
    }
}
