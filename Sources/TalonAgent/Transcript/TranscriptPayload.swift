import Foundation
import TalonCore
import TalonModels
import TalonStore

/// The JSON shapes of transcript entries (append-only, one per store row):
/// `message` (user/assistant), `tool_call`, `tool_result`, `compaction`.
enum TranscriptPayload {
    static func newId() -> String { UUID().uuidString.lowercased() }

    static func message(role: String, parts: [ContentPart], runId: String, atMs: Int64, extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": "message", "id": .string(newId()), "role": .string(role), "content": .array(parts.map(encode)),
            "timestamp": .number(Double(atMs)), "runId": .string(runId),
        ]
        members.merge(extra) { old, _ in old }
        return .object(members)
    }

    static func toolCall(_ call: ToolCall, runId: String, atMs: Int64) -> JSONValue {
        [
            "type": "tool_call", "id": .string(newId()), "callId": .string(call.id), "name": .string(call.name),
            "arguments": .string(call.argumentsJSON), "runId": .string(runId), "timestamp": .number(Double(atMs)),
        ]
    }

    static func toolResult(callId: String, name: String, output: ToolOutput, runId: String, atMs: Int64) -> JSONValue {
        [
            "type": "tool_result", "id": .string(newId()), "callId": .string(callId), "name": .string(name),
            "result": .string(output.text), "isError": .bool(output.isError), "runId": .string(runId),
            "timestamp": .number(Double(atMs)),
        ]
    }

    static func compaction(summary: String, firstKeptSeq: Int64, tokensBefore: Int, runId: String, atMs: Int64) -> JSONValue {
        [
            "type": "compaction", "id": .string(newId()), "summary": .string(summary), "firstKeptSeq": .number(Double(firstKeptSeq)),
            "tokensBefore": .number(Double(tokensBefore)), "runId": .string(runId), "timestamp": .number(Double(atMs)),
        ]
    }

    static func encode(_ part: ContentPart) -> JSONValue {
        switch part {
        case .text(let text): ["type": "text", "text": .string(text)]
        case .image(let mediaType, let base64): ["type": "image", "mediaType": .string(mediaType), "data": .string(base64)]
        case .imageURL(let url): ["type": "image_url", "url": .string(url)]
        }
    }

    static func decodeParts(_ value: JSONValue?) -> [ContentPart] {
        if let text = value?.stringValue { return [.text(text)] }
        return (value?.arrayValue ?? []).compactMap { part in
            switch part["type"]?.stringValue {
            case "text": part["text"]?.stringValue.map(ContentPart.text)
            case "image":
                part["data"]?.stringValue.map { ContentPart.image(mediaType: part["mediaType"]?.stringValue ?? "image/png", base64: $0) }
            case "image_url": part["url"]?.stringValue.map(ContentPart.imageURL)
            default: nil
            }
        }
    }

    static func text(of parts: [ContentPart]) -> String {
        parts.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
    }
}

/// A decoded transcript row.
struct StoredEntry: Sendable {
    var seq: Int64
    var createdAtMs: Int64
    var payload: JSONValue

    var type: String { payload["type"]?.stringValue ?? "" }
    var role: String? { payload["role"]?.stringValue }
    var isUserMessage: Bool { type == "message" && role == "user" }

    init(seq: Int64, createdAtMs: Int64, payload: JSONValue) {
        self.seq = seq
        self.createdAtMs = createdAtMs
        self.payload = payload
    }

    /// nil for rows that are not a JSON object (never written by us; skipped).
    init?(_ entry: TranscriptEntry) {
        guard let payload = JSONText.parse(entry.payloadJSON), payload.objectValue != nil else { return nil }
        self.init(seq: entry.seq, createdAtMs: entry.createdAtMs, payload: payload)
    }

    /// The surface view of this entry.
    var historyItem: HistoryItem {
        let id = payload["id"]?.stringValue ?? String(seq)
        let timestamp = payload["timestamp"]?.doubleValue.map { Int64($0) } ?? createdAtMs
        switch type {
        case "message":
            let text = TranscriptPayload.text(of: TranscriptPayload.decodeParts(payload["content"]))
            return HistoryItem(
                kind: role ?? "assistant", id: id, text: text, toolName: nil, toolCallId: nil, timestampMs: timestamp, raw: payload)
        case "tool_call":
            return HistoryItem(
                kind: "tool_call", id: id, text: payload["arguments"]?.stringValue ?? "", toolName: payload["name"]?.stringValue,
                toolCallId: payload["callId"]?.stringValue, timestampMs: timestamp, raw: payload)
        case "tool_result":
            return HistoryItem(
                kind: "tool_result", id: id, text: payload["result"]?.stringValue ?? "", toolName: payload["name"]?.stringValue,
                toolCallId: payload["callId"]?.stringValue, timestampMs: timestamp, raw: payload)
        default:
            return HistoryItem(
                kind: type, id: id, text: payload["summary"]?.stringValue ?? "", toolName: nil, toolCallId: nil, timestampMs: timestamp,
                raw: payload)
        }
    }
}
