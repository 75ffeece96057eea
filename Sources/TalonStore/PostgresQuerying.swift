import Logging
import PostgresNIO

/// Runs `StoreSQL` statements on PostgreSQL: through the pool, or on one leased connection (transactions).
struct PostgresExecutor: SQLQuerying {
    enum Target: Sendable {
        case pool(PostgresClient)
        case connection(PostgresConnection)
    }

    let target: Target
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    func rows(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .int(let int): bindings.append(int)
            case .text(let text): bindings.append(text)
            case .null: bindings.appendNull()
            }
        }
        // The values travel as bind parameters; only the placeholder syntax is rewritten.
        let query = PostgresQuery(unsafeSQL: Self.numberPlaceholders(sql), binds: bindings)
        let sequence =
            switch target {
            case .pool(let client): try await client.query(query, logger: logger)
            case .connection(let connection): try await connection.query(query, logger: logger)
            }
        var result: [SQLRow] = []
        for try await row in sequence {
            result.append(try Self.decode(row))
        }
        return result
    }

    /// `?` → `$1`, `$2`, … outside single-quoted literals.
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        var inLiteral = false
        var index = 0
        for character in sql {
            if character == "'" {
                inLiteral.toggle()
            } else if character == "?" && !inLiteral {
                index += 1
                out += "$\(index)"
                continue
            }
            out.append(character)
        }
        return out
    }

    private static func decode(_ row: PostgresRow) throws -> SQLRow {
        var values: [SQLValue] = []
        for cell in row {
            guard cell.bytes != nil else {
                values.append(.null)
                continue
            }
            switch cell.dataType {
            case .int2, .int4, .int8: values.append(.int(try cell.decode(Int64.self)))
            case .bool: values.append(.int(try cell.decode(Bool.self) ? 1 : 0))
            default: values.append(.text(try cell.decode(String.self)))
            }
        }
        return SQLRow(values: values)
    }
}
