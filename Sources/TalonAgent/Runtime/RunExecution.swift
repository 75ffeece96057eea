import Foundation
import TalonCore
import TalonModels
import TalonStore

/// `/new` and `/reset` (exactly, optionally followed by text to run in the new session).
enum ResetCommand {
    /// nil when `message` is not a reset; else the text after the command (nil when none).
    static func parse(_ message: String) -> (command: String, remainder: String?)? {
        let trimmed = message.trimmedText
        for command in ["/new", "/reset"] {
            guard trimmed.lowercased().hasPrefix(command) else { continue }
            let rest = trimmed.dropFirst(command.count)
            if rest.isEmpty { return (command, nil) }
            guard let first = rest.first, first.isWhitespace else { continue }
            let remainder = rest.trimmedText
            return (command, remainder.isEmpty ? nil : remainder)
        }
        return nil
    }

    static let confirmation = "✅ New session started."
}

private struct RunTimedOut: Error {}

extension AgentRuntime {
    /// The run body under the run timeout; cancellation (abort) → `.aborted`.
    func execute(_ run: ScheduledRun) async -> RunOutcome {
        let seconds = max(1, run.request.timeoutSeconds ?? config.agents.defaults.timeoutSeconds)
        do {
            return try await withThrowingTaskGroup(of: RunOutcome.self) { group in
                group.addTask { await self.performRun(run) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    throw RunTimedOut()
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .aborted
            }
        } catch is RunTimedOut {
            logger.info("run timed out", metadata: ["runId": "\(run.runId)", "seconds": "\(seconds)"])
            return .failed(kind: "timeout", message: "the run timed out after \(seconds) s")
        } catch {
            return .aborted
        }
    }

    /// Resolves the session, handles `/new`, builds the prompt and runs the tool loop.
    func performRun(_ run: ScheduledRun) async -> RunOutcome {
        let request = run.request
        let key = run.sessionKey
        let agentId = request.agentId.map { $0.lowercased() } ?? SessionKey.agentId(of: key, config: config)
        do {
            var session = try await sessions.ensure(key: key, agentId: agentId)
            var message = request.message
            if let reset = ResetCommand.parse(message) {
                session = try await sessions.reset(key: key, agentId: session.agentId)
                logger.info("session reset", metadata: ["sessionKey": "\(key)", "sessionId": "\(session.sessionId)"])
                guard let remainder = reset.remainder else {
                    return .completed(text: ResetCommand.confirmation, usage: Usage(), stopReason: .stop, modelRef: nil)
                }
                message = remainder
            } else {
                try await sessions.touch(key: key, agentId: session.agentId)
            }
            var loop = try await prepareLoop(run: run, session: session, agentId: agentId, message: message)
            return await loop.run()
        } catch is CancellationError {
            return .aborted
        } catch let error as ModelSelectionError {
            return .failed(kind: error.kind, message: error.message)
        } catch {
            if Task.isCancelled { return .aborted }
            logger.error("run failed", metadata: ["runId": "\(run.runId)", "error": "\(error)"])
            return .failed(kind: "unknown", message: "\(error)")
        }
    }

    /// Persists the user message, picks the model and assembles everything the loop needs.
    private func prepareLoop(run: ScheduledRun, session: SessionRecord, agentId: String, message: String) async throws -> RunLoop {
        let request = run.request
        let overrides = SessionOverrides(session)
        let workspace = workspace(agentId: agentId)
        let skills = skills(agentId: agentId, sessionKey: run.sessionKey)

        // History first (bounded tail), then the new user message: the loop's window includes it.
        let tail = try await store.transcriptTail(sessionId: session.sessionId, limit: 1000).compactMap(StoredEntry.init)
        var window = ContextBuilder.activeWindow(tail)
        let parts: [ContentPart] = (message.isEmpty ? [] : [.text(message)]) + request.images
        let now = nowMs()
        let payload = TranscriptPayload.message(
            role: "user", parts: parts, runId: run.runId, atMs: now, extra: ["channel": .string(request.channel)])
        let seq = try await store.appendTranscript(sessionId: session.sessionId, payloadJSON: payload.serialized(), atMs: now)
        window.entries.append(StoredEntry(seq: seq, createdAtMs: now, payload: payload))

        let candidates = try modelCandidates(requested: request.model, overrides: overrides, agentId: agentId)
        let (tools, specs) = await runTools()
        let limits = WorkspaceBootstrap.limits(config: config)
        let system = SystemPrompt.build(
            agentName: config.agents.entry(id: agentId)?.name, nowMs: now, toolNames: specs.map(\.name),
            bootstrap: WorkspaceBootstrap.sections(workspace: workspace, maxChars: limits.perFile, totalMaxChars: limits.total),
            skills: skills, extra: request.extraSystemPrompt)
        let context = ToolContext(
            runId: run.runId, sessionKey: run.sessionKey, sessionId: session.sessionId, agentId: agentId, workspace: workspace,
            skills: skills, modelRef: candidates.first?.description, runtime: self)
        return RunLoop(
            runtime: self, runId: run.runId, sessionKey: run.sessionKey, sessionId: session.sessionId, candidates: candidates,
            thinking: request.thinking ?? overrides.thinking ?? .off, system: system, tools: tools, specs: specs, toolContext: context,
            summary: window.summary, entries: window.entries)
    }
}
