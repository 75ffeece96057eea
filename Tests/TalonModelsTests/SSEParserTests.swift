import NIOCore
import Testing

@testable import TalonModels

@Suite("SSE framing")
struct SSEParserTests {
    @Test func reassemblesEventsSplitAcrossChunksAndCRLF() throws {
        let stream = "event: message_start\r\ndata: {\"a\":\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n\ndata: é"
        let bytes = Array(stream.utf8)
        var parser = SSEParser()
        var events: [SSEEvent] = []
        // One byte at a time: boundaries land inside lines and inside the UTF-8 sequence of "é".
        for byte in bytes { events += try parser.feed(ByteBuffer(bytes: [byte])) }
        events += parser.finish()
        #expect(
            events == [
                SSEEvent(event: "message_start", data: "{\"a\":"), SSEEvent(event: nil, data: "line1\nline2"),
                SSEEvent(event: nil, data: "é"),
            ])
    }

    @Test func assemblerEmitsEachToolCallOnce() {
        var assembler = ResponseAssembler()
        assembler.startToolCall(index: 1, id: "b", name: "second")
        assembler.startToolCall(index: 0, id: "a", name: "first")
        assembler.appendArguments(index: 1, "{\"y\":")
        assembler.appendArguments(index: 0, "{}")
        assembler.appendArguments(index: 1, "2}")
        let events = assembler.completeAllToolCalls()
        #expect(events.count == 2)
        #expect(assembler.completeAllToolCalls().isEmpty)
        #expect(assembler.toolCalls.map(\.argumentsJSON) == ["{}", "{\"y\":2}"])
        #expect(assembler.response(modelRef: "p/m").stopReason == .toolUse)
    }
}
