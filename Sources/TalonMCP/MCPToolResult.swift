import Foundation
import MCP
import TalonAgent
import TalonCore

/// Maps a `tools/call` result to what the model sees: the text parts joined; the structured content as JSON
/// when there is no text; other parts described in brackets (the model cannot take bytes through a tool result).
enum MCPToolResult {
    static func output(_ result: CallTool.Result) -> ToolOutput {
        var texts: [String] = []
        var others: [String] = []
        for part in result.content {
            switch part {
            case .text(let text, _, _):
                texts.append(text)
            case .image(let data, let mimeType, _, _):
                others.append("[image: \(mimeType), \(byteCount(base64: data)) bytes]")
            case .audio(let data, let mimeType, _, _):
                others.append("[audio: \(mimeType), \(byteCount(base64: data)) bytes]")
            case .resource(let resource, _, _):
                if let text = resource.text {
                    texts.append(text)
                } else {
                    let size = resource.blob.map { ", \(byteCount(base64: $0)) bytes" } ?? ""
                    others.append("[resource: \(resource.uri) (\(resource.mimeType ?? "application/octet-stream")\(size))]")
                }
            case .resourceLink(let uri, let name, _, let description, let mimeType, _):
                let detail = [mimeType, description].compactMap { $0 }.joined(separator: ", ")
                others.append("[resource link: \(name) <\(uri)>\(detail.isEmpty ? "" : " (\(detail))")]")
            }
        }
        var pieces = texts
        if texts.isEmpty, let structured = result.structuredContent {
            pieces.append(JSONValue(mcp: structured).serialized())
        }
        pieces += others
        let text = pieces.isEmpty ? "(no content)" : pieces.joined(separator: "\n")
        return ToolOutput(text: text, isError: result.isError ?? false)
    }

    /// Decoded size of a base64 payload without decoding it.
    private static func byteCount(base64: String) -> Int {
        let padding = base64.reversed().prefix(while: { $0 == "=" }).count
        return max(0, base64.count / 4 * 3 - padding)
    }
}
