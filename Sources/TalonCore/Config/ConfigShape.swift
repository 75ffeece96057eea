/// The expected shape of a config value: a small schema language, so each section is declared as data
/// (see `ConfigSchema`) and checked by one walker that reports every problem with its JSON path.
indirect enum ConfigShape: Sendable {
    /// Anything; kept raw (upstream keys Talon does not act on yet).
    case any
    case string
    case bool
    case integer(min: Int? = nil, max: Int? = nil)
    case number(min: Double? = nil)
    /// A string from a fixed list.
    case oneOf([String])
    case array(ConfigShape)
    /// An object with known members; other keys are errors unless `extra` gives their shape.
    case object([String: ConfigShape], extra: ConfigShape? = nil)
    /// The first alternative whose JSON type matches the value decides (e.g. a model as string or object).
    case anyOf([ConfigShape])
    /// A credential: a string, or a SecretRef `{source, provider, id}`.
    case secret

    /// An object with arbitrary members of one shape (`providers.<id>`, `channels.<id>`).
    static func map(_ value: ConfigShape) -> ConfigShape { .object([:], extra: value) }

    /// An object whose members are not checked.
    static let looseObject: ConfigShape = .object([:], extra: .any)

    static let stringList: ConfigShape = .array(.string)

    static let secretRefSources = ["env", "file", "exec", "store"]

    /// What a value of this shape looks like, for "expected X, got Y".
    var expectation: String {
        switch self {
        case .any: "any value"
        case .string, .oneOf: "string"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .array: "array"
        case .object: "object"
        case .anyOf(let options): options.map(\.expectation).joined(separator: " or ")
        case .secret: "string or SecretRef object"
        }
    }

    /// Whether the value has the JSON type this shape is about (ignoring constraints and members).
    func matchesType(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.any, _): true
        case (.string, .string), (.oneOf, .string), (.bool, .bool), (.number, .number), (.array, .array): true
        case (.object, .object), (.secret, .string), (.secret, .object): true
        case (.integer, .number(let number)): number.isFinite && number.rounded() == number
        case (.anyOf(let options), _): options.contains { $0.matchesType(value) }
        default: false
        }
    }
}

/// Walks a value against a shape, collecting issues.
struct ShapeValidator {
    private(set) var issues: [ConfigIssue] = []

    mutating func report(_ path: ConfigPath, _ message: String, hint: String? = nil) {
        issues.append(ConfigIssue(path: path.text, message: message, hint: hint))
    }

    mutating func validate(_ value: JSONValue, _ shape: ConfigShape, at path: ConfigPath) {
        switch shape {
        case .any:
            return
        case .string, .bool, .array, .object:
            guard shape.matchesType(value) else { return mismatch(value, shape, at: path) }
            validateMembers(value, shape, at: path)
        case .integer(let min, let max):
            guard shape.matchesType(value), let number = value.doubleValue else { return mismatch(value, shape, at: path) }
            checkRange(number, min: min.map(Double.init), max: max.map(Double.init), at: path)
        case .number(let min):
            guard let number = value.doubleValue else { return mismatch(value, shape, at: path) }
            checkRange(number, min: min, max: nil, at: path)
        case .oneOf(let allowed):
            let hint = "expected one of: \(allowed.joined(separator: ", "))"
            guard let text = value.stringValue else {
                return report(path, "expected string, got \(value.typeName)", hint: hint)
            }
            if !allowed.contains(text) { report(path, "invalid value \"\(text)\"", hint: hint) }
        case .anyOf(let options):
            guard let chosen = options.first(where: { $0.matchesType(value) }) else { return mismatch(value, shape, at: path) }
            validate(value, chosen, at: path)
        case .secret:
            switch value {
            case .string: return
            case .object: validateSecretRef(value, at: path)
            default: mismatch(value, shape, at: path)
            }
        }
    }

    private mutating func validateMembers(_ value: JSONValue, _ shape: ConfigShape, at path: ConfigPath) {
        switch (shape, value) {
        case (.array(let element), .array(let elements)):
            for (offset, item) in elements.enumerated() { validate(item, element, at: path.index(offset)) }
        case (.object(let fields, let extra), .object(let members)):
            for key in members.keys.sorted() {
                let member = members[key]!
                if let field = fields[key] {
                    validate(member, field, at: path.key(key))
                } else if let extra {
                    validate(member, extra, at: path.key(key))
                } else {
                    unknownKey(key, known: fields.keys, at: path.key(key))
                }
            }
        default:
            return
        }
    }

    mutating func unknownKey(_ key: String, known: some Sequence<String>, at path: ConfigPath) {
        let hint = DidYouMean.suggestion(for: key, among: known).map { "did you mean \"\($0)\"?" }
        report(path, "unknown key", hint: hint)
    }

    private mutating func mismatch(_ value: JSONValue, _ shape: ConfigShape, at path: ConfigPath) {
        if case .integer = shape, case .number = value {
            return report(path, "expected integer, got number \(Self.display(value.doubleValue ?? 0))")
        }
        report(path, "expected \(shape.expectation), got \(value.typeName)")
    }

    private mutating func checkRange(_ number: Double, min: Double?, max: Double?, at path: ConfigPath) {
        let shown = Self.display(number)
        switch (min, max) {
        case (let min?, let max?) where number < min || number > max:
            report(path, "must be between \(JSONValue.formatNumber(min)) and \(JSONValue.formatNumber(max)), got \(shown)")
        case (let min?, nil) where number < min:
            report(path, "must be at least \(JSONValue.formatNumber(min)), got \(shown)")
        case (nil, let max?) where number > max:
            report(path, "must be at most \(JSONValue.formatNumber(max)), got \(shown)")
        default:
            return
        }
    }

    /// Numbers as written in JSON5; non-finite ones (`Infinity`, `NaN`) as Swift prints them.
    private static func display(_ number: Double) -> String {
        number.isFinite ? JSONValue.formatNumber(number) : String(number)
    }

    private mutating func validateSecretRef(_ value: JSONValue, at path: ConfigPath) {
        let fields: [String: ConfigShape] = ["source": .oneOf(ConfigShape.secretRefSources), "provider": .string, "id": .string]
        validate(value, .object(fields), at: path)
        for required in ["source", "id"] where value[required] == nil {
            report(path, "SecretRef object requires \"\(required)\"")
        }
    }
}

/// "Did you mean" suggestions by edit distance.
enum DidYouMean {
    /// The closest candidate within a small edit distance (case-insensitive), if any.
    static func suggestion(for key: String, among candidates: some Sequence<String>) -> String? {
        let lowered = key.lowercased()
        // Short keys get less slack, or "id" would "suggest" every two-letter key.
        let limit = lowered.count <= 3 ? 1 : 2
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs.unicodeScalars)
        let right = Array(rhs.unicodeScalars)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for row in 1...left.count {
            current[0] = row
            for column in 1...right.count {
                let cost = left[row - 1] == right[column - 1] ? 0 : 1
                current[column] = Swift.min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
