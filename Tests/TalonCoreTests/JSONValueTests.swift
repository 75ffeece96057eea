import Foundation
import Testing

@testable import TalonCore

@Suite("JSONValue")
struct JSONValueTests {
    let document: JSONValue = [
        "gateway": ["auth": ["mode": "token"], "port": 18_789],
        "agents": ["list": [["id": "main"], ["id": "ops", "default": true]]],
    ]

    @Test("subscripts and typed accessors")
    func accessors() {
        #expect(document["gateway"]?["port"]?.intValue == 18_789)
        #expect(document["missing"] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
        #expect(JSONValue.number(1.5).intValue == nil)
        #expect(JSONValue.string("1").intValue == nil)
        #expect(JSONValue.bool(true).boolValue == true)
        #expect(JSONValue.number(1).boolValue == nil)
        #expect(JSONValue.string("a").stringValue == "a")
        #expect(JSONValue.null.stringValue == nil)
    }

    @Test("value(atPath:) walks objects and indexes arrays")
    func valueAtPath() {
        #expect(document.value(atPath: "gateway.auth.mode") == .string("token"))
        #expect(document.value(atPath: "agents.list.1.id") == .string("ops"))
        #expect(document.value(atPath: "agents.list[1].default") == .bool(true))
        #expect(document.value(atPath: "agents.list.2.id") == nil)
        #expect(document.value(atPath: "agents.list.x") == nil)
        #expect(document.value(atPath: "gateway.port.deeper") == nil)
        #expect(document.value(atPath: "") == document)
    }

    @Test("serialization sorts keys and prints integers without a fraction")
    func serialization() {
        let value: JSONValue = ["b": [1, 2.5, -3, 1e20], "a": "x\"y\n\u{1}", "c": nil, "d": true, "e": [:], "f": []]
        #expect(value.serialized() == #"{"a":"x\"y\n\u0001","b":[1,2.5,-3,1e+20],"c":null,"d":true,"e":{},"f":[]}"#)
        #expect(JSONValue.number(.nan).serialized() == "null")
        #expect(JSONValue.number(1e300).serialized() == "1e+300")
    }

    @Test("pretty serialization indents by two spaces")
    func prettySerialization() {
        let value: JSONValue = ["gateway": ["bind": "loopback", "port": 8], "list": [1]]
        let expected = """
            {
              "gateway": {
                "bind": "loopback",
                "port": 8
              },
              "list": [
                1
              ]
            }
            """
        #expect(value.serialized(pretty: true) == expected)
    }

    @Test("serialized output parses back to the same value")
    func roundTrip() throws {
        let value: JSONValue = ["text": "tab\tquote\"emoji😀\u{2028}", "n": 0.1, "nested": [["k": [nil, false]]]]
        #expect(try JSON5.parse(value.serialized()) == value)
        #expect(try JSON5.parse(value.serialized(pretty: true)) == value)
    }

    @Test("Codable round trip through Foundation's JSON coders")
    func codable() throws {
        let data = try JSONEncoder().encode(document)
        #expect(String(decoding: data, as: UTF8.self).contains("18789"))
        #expect(!String(decoding: data, as: UTF8.self).contains("18789.0"))
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == document)
    }

    @Test("deep merge merges objects, concatenates arrays and replaces scalars")
    func deepMerge() {
        let base: JSONValue = ["a": ["x": 1, "y": [1, 2]], "b": 1]
        let overlay: JSONValue = ["a": ["y": [3], "z": true], "b": "two"]
        #expect(base.deepMerged(with: overlay) == ["a": ["x": 1, "y": [1, 2, 3], "z": true], "b": "two"])
    }
}

@Suite("Secret redaction")
struct SecretRedactionTests {
    @Test("secret-looking keys are redacted at any depth, case-insensitively")
    func redacts() {
        let value: JSONValue = [
            "gateway": ["auth": ["token": "t0k", "password": "pw", "mode": "token"]],
            "channels": ["telegram": ["botToken": "123:abc", "webhookSecret": "s", "allowFrom": ["1"]]],
            "models": ["providers": ["openai": ["apiKey": "sk-1", "APIKEY": "sk-2", "baseUrl": "https://x"]]],
            "list": [["clientSecret": "c", "accessToken": "a", "refreshToken": "r", "privateKey": "k", "Secret": "s"]],
            "env": ["vars": ["OPENAI_API_KEY": "sk", "GITHUB_TOKEN": "gh", "HOME": "/root"]],
            "hooks": ["token": ["source": "env", "id": "HOOKS_TOKEN"], "signingSecret": "x", "adminPassword": "y"],
        ]
        let redacted = redactSecrets(value)
        let placeholder = JSONValue.string("__OPENCLAW_REDACTED__")
        for path in [
            "gateway.auth.token", "gateway.auth.password", "channels.telegram.botToken", "channels.telegram.webhookSecret",
            "models.providers.openai.apiKey", "models.providers.openai.APIKEY", "list.0.clientSecret", "list.0.accessToken",
            "list.0.refreshToken", "list.0.privateKey", "list.0.Secret", "env.vars.OPENAI_API_KEY", "env.vars.GITHUB_TOKEN",
            "hooks.token", "hooks.signingSecret", "hooks.adminPassword",
        ] {
            #expect(redacted.value(atPath: path) == placeholder, "\(path)")
        }
        #expect(redacted.value(atPath: "gateway.auth.mode") == "token")
        #expect(redacted.value(atPath: "models.providers.openai.baseUrl") == "https://x")
        #expect(redacted.value(atPath: "channels.telegram.allowFrom") == ["1"])
        #expect(redacted.value(atPath: "env.vars.HOME") == "/root")
    }

    @Test("counters and session keys are not secrets; null and booleans stay")
    func leavesNonSecrets() {
        let value: JSONValue = ["maxTokens": 5, "contextTokens": 10, "mainKey": "main", "token": nil, "secret": false]
        #expect(redactSecrets(value) == value)
    }
}
