/// Resolves `$include` directives the way upstream's `includes.ts` does: a string includes one file in
/// place of the containing object, an array deep-merges several, sibling keys merge on top. Every file must
/// stay inside the root config's directory (also after resolving symlinks), nesting stops at 10 levels,
/// and cycles are reported with their chain. Problems are collected in `issues`.
struct IncludeResolver {
    static let key = "$include"
    static let maxDepth = 10
    static let maxFileBytes = 2 * 1024 * 1024

    let rootDir: String
    let rootRealDir: String
    private(set) var issues: [ConfigIssue] = []

    init(rootFile: String) {
        rootDir = ConfigFiles.directory(of: rootFile)
        rootRealDir = ConfigFiles.realPath(rootDir) ?? rootDir
    }

    /// Processes the root document of `rootFile`.
    mutating func resolve(_ document: JSONValue, rootFile: String) -> JSONValue {
        let identity = ConfigFiles.realPath(rootFile) ?? rootFile
        return process(document, file: rootFile, chain: [identity], path: .root)
    }

    /// `chain` lists the files being included, outermost first, by resolved path.
    private mutating func process(_ value: JSONValue, file: String, chain: [String], path: ConfigPath) -> JSONValue {
        switch value {
        case .array(let elements):
            var result: [JSONValue] = []
            for (offset, element) in elements.enumerated() {
                result.append(process(element, file: file, chain: chain, path: path.index(offset)))
            }
            return .array(result)
        case .object(let members):
            var siblings: [String: JSONValue] = [:]
            for (key, member) in members where key != IncludeResolver.key {
                siblings[key] = process(member, file: file, chain: chain, path: path.key(key))
            }
            guard let directive = members[IncludeResolver.key] else { return .object(siblings) }
            guard let included = resolveDirective(directive, file: file, chain: chain, container: path) else {
                return .object(siblings)
            }
            if siblings.isEmpty { return included }
            guard case .object = included else {
                report(path.key(IncludeResolver.key), "sibling keys next to $include need the included file to hold an object")
                return .object(siblings)
            }
            return included.deepMerged(with: .object(siblings))
        default:
            return value
        }
    }

    private mutating func resolveDirective(_ directive: JSONValue, file: String, chain: [String], container: ConfigPath) -> JSONValue? {
        let path = container.key(IncludeResolver.key)
        switch directive {
        case .string(let include):
            return load(include, file: file, chain: chain, container: container, path: path)
        case .array(let includes):
            var merged: JSONValue = .object([:])
            var failed = false
            for (offset, item) in includes.enumerated() {
                guard let include = item.stringValue else {
                    report(path.index(offset), "expected string, got \(item.typeName)")
                    failed = true
                    continue
                }
                if let loaded = load(include, file: file, chain: chain, container: container, path: path.index(offset)) {
                    merged = merged.deepMerged(with: loaded)
                } else {
                    failed = true
                }
            }
            return failed ? nil : merged
        default:
            report(path, "expected string or array of strings, got \(directive.typeName)")
            return nil
        }
    }

    private mutating func load(_ include: String, file: String, chain: [String], container: ConfigPath, path: ConfigPath) -> JSONValue? {
        guard !include.isEmpty else {
            report(path, "include path is empty")
            return nil
        }
        let base = ConfigFiles.directory(of: file)
        let candidate = ConfigFiles.normalize(include.hasPrefix("/") ? include : base + "/" + include)
        guard ConfigFiles.isInside(candidate, directory: rootDir) else {
            report(path, "include path escapes the config directory: \(include)", hint: "includes must stay inside \(rootDir)")
            return nil
        }
        let real = ConfigFiles.realPath(candidate)
        if let real, !ConfigFiles.isInside(real, directory: rootRealDir) {
            report(
                path, "include path resolves outside the config directory (symlink): \(include)",
                hint: "includes must stay inside \(rootDir)")
            return nil
        }
        let identity = real ?? candidate
        if chain.contains(identity) {
            let names = (chain + [identity]).map { ConfigFiles.display($0, relativeTo: rootRealDir) }
            report(path, "include cycle: \(names.joined(separator: " -> "))")
            return nil
        }
        guard chain.count <= IncludeResolver.maxDepth else {
            report(path, "includes nested deeper than \(IncludeResolver.maxDepth) levels at \(include)")
            return nil
        }
        let text: String
        switch ConfigFiles.readText(candidate, maxBytes: IncludeResolver.maxFileBytes) {
        case .success(let contents):
            text = contents
        case .failure(.notFound):
            report(path, "include file not found: \(include)")
            return nil
        case .failure(let error):
            report(path, "cannot read include file \(include): \(error)")
            return nil
        }
        let document: JSONValue
        do {
            document = try JSON5.parse(text)
        } catch {
            report(path, "syntax error in \(ConfigFiles.display(candidate, relativeTo: rootDir)): \(error)")
            return nil
        }
        return process(document, file: candidate, chain: chain + [identity], path: container)
    }

    private mutating func report(_ path: ConfigPath, _ message: String, hint: String? = nil) {
        issues.append(ConfigIssue(path: path.text, message: message, hint: hint))
    }
}
