import Foundation
import Testing

@testable import TalonCore

@Suite("$include")
struct IncludeTests {
    @Test("a string include replaces the containing object")
    func stringInclude() throws {
        let dir = try TempDirectory()
        try dir.write("gateway.json5", "{ port: 19001, bind: 'lan', /* JSON5 here too */ }")
        let root = try dir.write("openclaw.json", "{ gateway: { $include: './gateway.json5' } }")
        let loaded = try ConfigLoader.load(path: root, environment: [:])
        #expect(loaded.config.gateway.port == 19_001)
        #expect(loaded.config.gateway.bind == .lan)
        #expect(loaded.raw["gateway"] == ["port": 19_001, "bind": "lan"])
    }

    @Test("the root object itself may be an include")
    func rootInclude() throws {
        let dir = try TempDirectory()
        try dir.write("base.json5", "{ gateway: { port: 1 } }")
        let root = try dir.write("openclaw.json", "{ $include: 'base.json5' }")
        #expect(try ConfigLoader.load(path: root, environment: [:]).config.gateway.port == 1)
    }

    @Test("an array include deep-merges in order: objects merge, arrays concatenate, scalars are replaced")
    func arrayMerge() throws {
        let dir = try TempDirectory()
        try dir.write("a.json5", "{ gateway: { port: 1, bind: 'lan', trustedProxies: ['10.0.0.1'] }, tools: { allow: ['a'] } }")
        try dir.write("b.json5", "{ gateway: { port: 2, trustedProxies: ['10.0.0.2'] }, tools: { deny: ['b'] } }")
        let root = try dir.write("openclaw.json", "{ $include: ['a.json5', 'b.json5'] }")
        let loaded = try ConfigLoader.load(path: root, environment: [:])
        #expect(loaded.config.gateway.port == 2)
        #expect(loaded.config.gateway.bind == .lan)
        #expect(loaded.config.gateway.trustedProxies == ["10.0.0.1", "10.0.0.2"])
        #expect(loaded.config.tools == ["allow": ["a"], "deny": ["b"]])
    }

    @Test("sibling keys are merged on top of the included content")
    func siblingsOverride() throws {
        let dir = try TempDirectory()
        try dir.write("gw.json5", "{ port: 1, bind: 'lan', auth: { mode: 'password', password: 'p' } }")
        let root = try dir.write("openclaw.json", "{ gateway: { $include: 'gw.json5', port: 2, auth: { password: 'q' } } }")
        let loaded = try ConfigLoader.load(path: root, environment: [:])
        #expect(loaded.config.gateway.port == 2)
        #expect(loaded.config.gateway.bind == .lan)
        #expect(loaded.config.gateway.auth.mode == .password)
        #expect(loaded.config.gateway.auth.password == "q")
    }

    @Test("included files may include others, relative to their own directory; ${VAR} applies afterwards")
    func nested() throws {
        let dir = try TempDirectory()
        try dir.write("conf/agents.json5", "{ defaults: { $include: 'parts/defaults.json5' } }")
        try dir.write("conf/parts/defaults.json5", "{ workspace: '${WS}', maxConcurrent: 3 }")
        let root = try dir.write("openclaw.json", "{ agents: { $include: 'conf/agents.json5' } }")
        let loaded = try ConfigLoader.load(path: root, environment: ["WS": "/srv/ws"])
        #expect(loaded.config.agents.defaults.workspace == "/srv/ws")
        #expect(loaded.config.agents.defaults.maxConcurrent == 3)
    }

    @Test("nesting is limited to 10 levels")
    func depthLimit() throws {
        let dir = try TempDirectory()
        // level10.json5 is the 10th nested include and is allowed; level11 is one too many.
        for level in 1...10 {
            try dir.write("level\(level).json5", "{ $include: 'level\(level + 1).json5' }")
        }
        try dir.write("level11.json5", "{ port: 11 }")
        let deep = try dir.write("openclaw.json", "{ gateway: { $include: 'level1.json5' } }")
        let issues = loadIssues(deep)
        #expect(issues.count == 1)
        #expect(issues.first?.message == "includes nested deeper than 10 levels at level11.json5", "\(issues)")
        #expect(issues.first?.path == "gateway.$include")

        try dir.write("level10.json5", "{ port: 10 }")
        #expect(try ConfigLoader.load(path: deep, environment: [:]).config.gateway.port == 10)
    }

    @Test("a cycle is an error showing the chain")
    func cycle() throws {
        let dir = try TempDirectory()
        try dir.write("a.json5", "{ $include: 'b.json5' }")
        try dir.write("b.json5", "{ $include: 'a.json5' }")
        let root = try dir.write("openclaw.json", "{ gateway: { $include: 'a.json5' } }")
        let issues = loadIssues(root)
        #expect(issues.map(\.message) == ["include cycle: openclaw.json -> a.json5 -> b.json5 -> a.json5"])
    }

    @Test("a file including the root config is a cycle too")
    func cycleThroughRoot() throws {
        let dir = try TempDirectory()
        try dir.write("a.json5", "{ $include: 'openclaw.json' }")
        let root = try dir.write("openclaw.json", "{ gateway: { $include: 'a.json5' } }")
        #expect(loadIssues(root).first?.message == "include cycle: openclaw.json -> a.json5 -> openclaw.json")
    }

    @Test("includes may not escape the config directory, by .. or by an absolute path")
    func escapes() throws {
        let outer = try TempDirectory()
        try outer.write("secret.json5", "{ port: 1 }")
        try outer.write("conf/inner.json5", "{ $include: '../../secret.json5' }")
        let root = try outer.write("conf/openclaw.json", "{ gateway: { $include: '../secret.json5' } }")
        let relative = loadIssues(root)
        #expect(relative.count == 1)
        #expect(relative.first?.message == "include path escapes the config directory: ../secret.json5")
        #expect(relative.first?.path == "gateway.$include")

        try outer.write("conf/openclaw.json", "{ gateway: { $include: '\(outer.file("secret.json5"))' } }")
        #expect(loadIssues(root).first?.message == "include path escapes the config directory: \(outer.file("secret.json5"))")

        // A nested file cannot climb out either, and an absolute path inside the directory is fine.
        try outer.write("conf/openclaw.json", "{ gateway: { $include: 'inner.json5' } }")
        #expect(loadIssues(root).first?.message.hasPrefix("include path escapes the config directory") == true)
        try outer.write("conf/gw.json5", "{ port: 3 }")
        try outer.write("conf/openclaw.json", "{ gateway: { $include: '\(outer.file("conf/gw.json5"))' } }")
        #expect(try ConfigLoader.load(path: root, environment: [:]).config.gateway.port == 3)
    }

    @Test("a symlink pointing outside the config directory is rejected")
    func symlinkEscape() throws {
        let outer = try TempDirectory()
        try outer.write("secret.json5", "{ port: 1 }")
        let root = try outer.write("conf/openclaw.json", "{ gateway: { $include: 'link.json5' } }")
        try FileManager.default.createSymbolicLink(atPath: outer.file("conf/link.json5"), withDestinationPath: outer.file("secret.json5"))
        #expect(loadIssues(root).first?.message == "include path resolves outside the config directory (symlink): link.json5")
    }

    @Test("a missing include file, a bad include value and a syntax error in an included file")
    func failures() throws {
        let dir = try TempDirectory()
        try dir.write("broken.json5", "{\n  port: 1,\n  bind: }")
        let root = try dir.write(
            "openclaw.json", "{ gateway: { $include: 'nope.json5' }, tools: { $include: 5 }, hooks: { $include: ['broken.json5'] } }")
        let issues = loadIssues(root)
        #expect(issues.at("gateway.$include")?.message == "include file not found: nope.json5")
        #expect(issues.at("tools.$include")?.message == "expected string or array of strings, got number")
        #expect(
            issues.at("hooks.$include[0]")?.message == "syntax error in broken.json5: line 3, column 9: unexpected '}', expected a value")
        #expect(issues.count == 3)
    }

    @Test("sibling keys need the included file to be an object")
    func siblingsNeedObject() throws {
        let dir = try TempDirectory()
        try dir.write("list.json5", "['a']")
        let root = try dir.write("openclaw.json", "{ tools: { allow: { $include: 'list.json5', extra: 1 } } }")
        #expect(loadIssues(root).first?.message == "sibling keys next to $include need the included file to hold an object")
        try dir.write("openclaw.json", "{ tools: { allow: { $include: 'list.json5' } } }")
        #expect(try ConfigLoader.load(path: root, environment: [:]).config.tools["allow"] == ["a"])
    }
}
