import Foundation
import TalonCore
import Testing
import Yams

@testable import TalonMCTL

@Suite struct ResourceProfileTests {
    @Test func builtInTableIsTheCodeTable() throws {
        let table = ResourceProfileTable.builtIn
        #expect(table.names == ["startup", "steady-medium", "steady-small"])
        let startup = try #require(table["startup"])
        #expect(startup.requests == ResourceAmounts(cpu: "500m", memory: "1Gi"))
        #expect(startup.limits == ResourceAmounts(cpu: "2", memory: "4Gi"))
        #expect(startup.nodeOptions == "--max-old-space-size=3072")
        #expect(table["steady-medium"]?.limits == ResourceAmounts(cpu: "1500m", memory: "3Gi"))
        #expect(table["steady-medium"]?.nodeMaxOldSpaceMB == 2048)
        #expect(table["steady-small"]?.requests == ResourceAmounts(cpu: "250m", memory: "768Mi"))
        #expect(table["steady-small"]?.limits == ResourceAmounts(cpu: "1", memory: "2560Mi"))
        #expect(table["steady-small"]?.nodeMaxOldSpaceMB == 1792)
        for profile in table.profiles { #expect(profile.validationProblem == nil) }
    }

    @Test func specRendersForTheAPI() throws {
        let spec = try #require(ResourceProfileTable.builtIn["startup"]).spec
        let object = try #require(spec.objectValue)
        let data = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: Data(spec.serialized().utf8)), options: .sortedKeys)
        #expect(object.count == 4)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"{"limits":{"cpu":"2","memory":"4Gi"},"name":"startup","nodeOptions":"--max-old-space-size=3072","requests":{"cpu":"500m","memory":"1Gi"}}"#
        )
        let talon = ResourceProfile(name: "talon", requests: .init(cpu: "100m", memory: "128Mi"), limits: .init(cpu: "1", memory: "512Mi"))
        #expect(talon.spec["nodeOptions"] == nil)
    }

    @Test func tableExtendsFromYAMLAndJSON() throws {
        let yaml = """
            profiles:
              - name: talon
                requests: {cpu: 100m, memory: 128Mi}
                limits: {cpu: "1", memory: 512Mi}
              - name: steady-small
                requests: {cpu: 200m, memory: 512Mi}
                limits: {cpu: "1", memory: 2Gi}
                nodeMaxOldSpaceMB: 1536
            """
        let table = try ResourceProfileTable.parse(yaml)
        #expect(table.names == ["startup", "steady-medium", "steady-small", "talon"])
        #expect(table["talon"]?.nodeMaxOldSpaceMB == nil)
        #expect(table["steady-small"]?.nodeMaxOldSpaceMB == 1536)
        let json = #"[{"name":"tiny","requests":{"cpu":"50m","memory":"64Mi"},"limits":{"cpu":"200m","memory":"256Mi"}}]"#
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ResourceProfileTable.load(contentsOf: file).names.last == "tiny")
        #expect(throws: ResourceProfileTableError.self) {
            try ResourceProfileTable.parse(#"[{"name":"bad","requests":{"cpu":"2","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}]"#)
        }
        #expect(throws: ResourceProfileTableError.self) { try ResourceProfileTable.parse("profiles: 3") }
        #expect(throws: ResourceProfileTableError.self) {
            try ResourceProfileTable.parse("replaceBuiltIn: true\nprofiles: []")
        }
    }

    static let values = """
        image:
          repository: ghcr.io/mctlhq/mctl-openclaw
          tag: "2026.3.25"
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
          limits:
            cpu: "2"
            memory: 4Gi
        env:
          APP_ENV: production
          NODE_OPTIONS: "--max-old-space-size=3072"
        ingress:
          hosts: [labs-openclaw.mctl.ai]
        """

    @Test func patchChangesOnlyResourcesAndNodeOptions() throws {
        let profile = try #require(ResourceProfileTable.builtIn["steady-small"])
        let patched = try #require(try ServiceValuesPatch.apply(profile, toValuesYAML: Self.values))
        let object = try #require(try Yams.load(yaml: patched) as? [String: Any])
        let resources = object["resources"] as? [String: [String: Any]]
        #expect("\(resources?["requests"]?["cpu"] ?? "")" == "250m")
        #expect("\(resources?["requests"]?["memory"] ?? "")" == "768Mi")
        #expect("\(resources?["limits"]?["cpu"] ?? "")" == "1")
        #expect("\(resources?["limits"]?["memory"] ?? "")" == "2560Mi")
        let env = object["env"] as? [String: Any]
        #expect(env?["NODE_OPTIONS"] as? String == "--max-old-space-size=1792")
        #expect(env?["APP_ENV"] as? String == "production")
        #expect((object["image"] as? [String: Any])?["tag"] as? String == "2026.3.25")
        #expect((object["ingress"] as? [String: Any])?["hosts"] as? [String] == ["labs-openclaw.mctl.ai"])
        // Applying the same profile again is a no-op, so the caller makes no commit.
        #expect(try ServiceValuesPatch.apply(profile, toValuesYAML: patched) == nil)
        #expect(try ServiceValuesPatch.apply(try #require(ResourceProfileTable.builtIn["startup"]), toValuesYAML: Self.values) == nil)
    }

    @Test func patchWithoutNodeHeapLeavesNodeOptionsAlone() throws {
        let talon = ResourceProfile(name: "talon", requests: .init(cpu: "100m", memory: "128Mi"), limits: .init(cpu: "1", memory: "512Mi"))
        let patched = try #require(try ServiceValuesPatch.apply(talon, toValuesYAML: Self.values))
        let object = try #require(try Yams.load(yaml: patched) as? [String: Any])
        #expect((object["env"] as? [String: Any])?["NODE_OPTIONS"] as? String == "--max-old-space-size=3072")
    }

    @Test func patchCreatesMissingSectionsAndToleratesEnvLists() throws {
        let profile = try #require(ResourceProfileTable.builtIn["startup"])
        let fromEmpty = try #require(try ServiceValuesPatch.apply(profile, toValuesYAML: "image: {tag: x}\n"))
        let object = try #require(try Yams.load(yaml: fromEmpty) as? [String: Any])
        #expect((object["env"] as? [String: Any])?["NODE_OPTIONS"] as? String == "--max-old-space-size=3072")
        let listEnv = "env:\n  - name: A\n    value: b\n"
        let patched = try #require(try ServiceValuesPatch.apply(profile, toValuesYAML: listEnv))
        let env = (try Yams.load(yaml: patched) as? [String: Any])?["env"] as? [[String: Any]]
        #expect(env?.count == 2)
        #expect(env?.last?["value"] as? String == "--max-old-space-size=3072")
        #expect(throws: GitOpsYAMLError.self) { try ServiceValuesPatch.apply(profile, toValuesYAML: "a: [unclosed") }
        #expect(throws: GitOpsYAMLError.self) { try ServiceValuesPatch.apply(profile, toValuesYAML: "env: 3\n") }
    }
}

@Suite struct GitOpsYAMLQuotingTests {
    @Test func ambiguousStringsRoundTripAsStrings() throws {
        let values = ["5432", "true", "no", "1.0", "1e9", "0x1F", "2026-03-25", "", "~", "500m", "1Gi", "2026.3.25", "{{ .host }}", "a: b"]
        let text = try GitOpsYAML.render(GitOpsYAML.strings(values))
        let loaded = try #require(try Yams.load(yaml: text) as? [Any])
        #expect(loaded.map { $0 as? String } == values.map { Optional($0) })
        #expect(text.contains("- 500m\n"))
    }
}
