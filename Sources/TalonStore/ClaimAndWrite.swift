/// A dedupe key: `key` within `scope` (the same pair `claimDedupe` takes).
public struct DedupeKey: Sendable, Hashable {
    public var scope: String
    public var key: String

    public init(scope: String, key: String) {
        self.scope = scope
        self.key = key
    }
}

/// One key/value row to write (`kvSet`'s arguments, less the time).
public struct KVWrite: Sendable, Hashable {
    public var namespace: String
    public var key: String
    public var value: String

    public init(namespace: String, key: String, value: String) {
        self.namespace = namespace
        self.key = key
        self.value = value
    }
}

/// One entry of `Store.claimAndWrite`: claim all of `claims` (each storing `value`) and, only when every one of
/// them was free, write `writes`. An entry without claims always writes.
public struct ClaimAndWrite: Sendable, Hashable {
    public var claims: [DedupeKey]
    public var value: String
    public var writes: [KVWrite]

    public init(claims: [DedupeKey], value: String, writes: [KVWrite]) {
        self.claims = claims
        self.value = value
        self.writes = writes
    }
}
