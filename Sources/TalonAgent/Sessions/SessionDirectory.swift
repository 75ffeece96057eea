import Foundation
import TalonCore
import TalonModels
import TalonStore

/// Serializes session-row writes (create on first use, reset, overrides) so concurrent callers
/// never create two session ids for one key.
actor SessionDirectory {
    let store: any Store

    init(store: any Store) { self.store = store }

    static func newSessionId() -> String { UUID().uuidString.lowercased() }

    /// The row for `key`, created (with `agentId`) when missing.
    func ensure(key: String, agentId: String) async throws -> SessionRecord {
        if let existing = try await store.session(key: key) { return existing }
        let now = nowMs()
        let record = SessionRecord(key: key, sessionId: Self.newSessionId(), agentId: agentId, createdAtMs: now, updatedAtMs: now)
        try await store.upsertSession(record)
        return record
    }

    /// A new session id under the same key; overrides are kept (they are per key, as upstream's).
    func reset(key: String, agentId: String) async throws -> SessionRecord {
        var record = try await ensure(key: key, agentId: agentId)
        record.sessionId = Self.newSessionId()
        record.updatedAtMs = nowMs()
        try await store.upsertSession(record)
        return record
    }

    func touch(key: String, agentId: String) async throws {
        var record = try await ensure(key: key, agentId: agentId)
        record.updatedAtMs = max(nowMs(), record.updatedAtMs)
        try await store.upsertSession(record)
    }

    func patch(key: String, agentId: String, model: String??, thinking: ThinkingLevel??) async throws -> SessionRecord {
        var record = try await ensure(key: key, agentId: agentId)
        var overrides = JSONText.object(record.overridesJSON) ?? [:]
        switch model {
        case .none: break
        case .some(.none): overrides["model"] = nil
        case .some(.some(let value)): overrides["model"] = .string(value)
        }
        switch thinking {
        case .none: break
        case .some(.none): overrides["thinking"] = nil
        case .some(.some(let level)): overrides["thinking"] = .string(level.rawValue)
        }
        record.overridesJSON = JSONValue.object(overrides).serialized()
        record.updatedAtMs = nowMs()
        try await store.upsertSession(record)
        return record
    }
}

/// The per-session overrides stored in `SessionRecord.overridesJSON`.
struct SessionOverrides: Sendable {
    var model: String?
    var thinking: ThinkingLevel?

    init(_ record: SessionRecord) {
        let object = JSONText.object(record.overridesJSON) ?? [:]
        model = object["model"]?.stringValue.flatMap { $0.trimmedText.isEmpty ? nil : $0.trimmedText }
        thinking = object["thinking"]?.stringValue.flatMap { ThinkingLevel(rawValue: $0.lowercased()) }
    }
}
