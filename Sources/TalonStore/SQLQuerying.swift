/// A bound parameter or a result cell, in the few types the schema uses.
enum SQLValue: Sendable, Hashable {
    case int(Int64)
    case text(String)
    case null
}

/// One result row, by column position (queries name their columns explicitly).
struct SQLRow: Sendable {
    var values: [SQLValue]

    func int(_ index: Int) throws -> Int64 {
        guard index < values.count, case .int(let value) = values[index] else {
            throw StoreError.failed("unexpected result: column \(index) is not an integer")
        }
        return value
    }

    func text(_ index: Int) throws -> String {
        guard index < values.count, case .text(let value) = values[index] else {
            throw StoreError.failed("unexpected result: column \(index) is not text")
        }
        return value
    }
}

enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// Something that runs one SQL statement with `?` placeholders and bound values: a SQLite connection,
/// a PostgreSQL connection or pool. The store logic is written once against this, so both backends
/// run the same statements and behave alike.
protocol SQLQuerying: Sendable {
    var dialect: SQLDialect { get }
    func rows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLQuerying {
    func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await rows(sql, binds)
    }
}

extension SQLValue {
    init(_ value: Int64) { self = .int(value) }
    init(_ value: Int) { self = .int(Int64(value)) }
    init(_ value: String) { self = .text(value) }
}

/// Direct SQL on a store's database, for diagnostics and tests (not part of the `Store` contract).
protocol RawSQLAccess: Sendable {
    func rawRows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}
