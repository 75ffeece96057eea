import TalonCore
import TalonModels

/// Runs one turn's tool calls concurrently and returns the outputs in call order. Unknown or
/// policy-filtered tools and invalid argument JSON become error results (the model can retry).
enum ToolRunner {
    static func run(
        _ calls: [ToolCall], tools: [String: any AgentTool], context: ToolContext, hub: EventHub, maxChars: Int
    ) async -> [ToolOutput] {
        var outputs = [ToolOutput](repeating: ToolOutput(text: "", isError: true), count: calls.count)
        await withTaskGroup(of: (Int, ToolOutput).self) { group in
            for (index, call) in calls.enumerated() {
                hub.emit(
                    .toolStarted(
                        runId: context.runId, sessionKey: context.sessionKey, callId: call.id, name: call.name,
                        argumentsJSON: call.argumentsJSON))
                group.addTask {
                    let output = await invoke(call, tool: tools[call.name.lowercased()], context: context)
                    return (index, ToolOutput(text: output.text.truncated(to: maxChars), isError: output.isError))
                }
            }
            for await (index, output) in group {
                outputs[index] = output
                let call = calls[index]
                hub.emit(
                    .toolFinished(
                        runId: context.runId, sessionKey: context.sessionKey, callId: call.id, name: call.name, result: output.text,
                        isError: output.isError))
            }
        }
        return outputs
    }

    static func invoke(_ call: ToolCall, tool: (any AgentTool)?, context: ToolContext) async -> ToolOutput {
        guard let tool else {
            return ToolOutput(text: "error: tool '\(call.name)' is not available; use one of the listed tools", isError: true)
        }
        let text = call.argumentsJSON.trimmedText
        let arguments: JSONValue
        if text.isEmpty {
            arguments = .object([:])
        } else if let parsed = JSONText.parse(text), parsed.objectValue != nil {
            arguments = parsed
        } else {
            return ToolOutput(text: "error: the arguments are not a valid JSON object; send the arguments as a JSON object", isError: true)
        }
        do {
            return try await tool.invoke(arguments: arguments, context: context)
        } catch is CancellationError {
            return ToolOutput(text: "error: cancelled", isError: true)
        } catch {
            return ToolOutput(text: "error: \(error)", isError: true)
        }
    }
}
