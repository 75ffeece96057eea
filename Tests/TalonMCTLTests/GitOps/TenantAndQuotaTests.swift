import Foundation
import Testing

@testable import TalonMCTL

@Suite struct TenantAndQuotaTests {
    static let valid = """
        # labs tenant
        tenant:
          name: labs
          displayName: Labs
          members:
            - userId: alice
              role: owner
            - userId: bob
              role: developer
              email: bob@example.invalid
            - userId: carol
              role: viewer
          quotas:
            requests.cpu: "2"
            requests.memory: 4Gi
            limits.cpu: "4"
            limits.memory: 8Gi
            pods: 20
          networking:
            allowInternetEgress: true
            extra: {nested: 1}
        argocd:
          project: labs
        """

    @Test func parsesMembersQuotasAndNetworking() throws {
        let tenant = try Tenant.parse(yaml: Self.valid, file: "t.yaml")
        #expect(tenant.name == "labs")
        #expect(tenant.members.count == 3)
        #expect(tenant.role(of: "alice") == .owner)
        #expect(tenant.role(of: "bob") == .developer)
        #expect(tenant.role(of: "carol") == .viewer)
        #expect(tenant.role(of: "mallory") == nil)
        #expect(tenant.quotas["requests.memory"] == "4Gi")
        #expect(tenant.quotas["limits.cpu"] == "4")
        #expect(tenant.quotas["pods"] == "20")
        #expect(tenant.networking["allowInternetEgress"] == "true")
        #expect(OpenClawQuotaFloor.default.check(tenant).isEmpty)
        #expect(Tenant.valuesPath(team: "labs") == "platform-gitops/tenants/labs/values.yaml")
    }

    @Test(arguments: [
        ("tenant: [unclosed", "invalid YAML"),
        ("- a\n- b", "top level is not a mapping"),
        ("other: 1", "missing `tenant` mapping"),
        ("tenant:\n  members: []", "missing `tenant.name`"),
        ("tenant:\n  name: x\n  members: {a: 1}", "`tenant.members` is not a list"),
        ("tenant:\n  name: x\n  members:\n    - role: owner", "`tenant.members[0]` has no userId"),
        ("tenant:\n  name: x\n  quotas: [1]", "`tenant.quotas` is not a mapping"),
    ])
    func malformedNamesFileAndReason(yaml: String, reason: String) {
        #expect {
            try Tenant.parse(yaml: yaml, file: "platform-gitops/tenants/x/values.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("platform-gitops/tenants/x/values.yaml") && text.contains(reason)
        }
    }

    @Test func unknownRolesGrantNothingAndNestedQuotasReadAsDottedKeys() throws {
        let tenant = try Tenant.parse(
            yaml: """
                tenant:
                  name: labs
                  members: [{userId: a, role: admin}, {userId: b, role: Owner}]
                  quotas: {requests: {cpu: 2, memory: 4Gi}, limits.cpu: 4}
                """, file: "t.yaml")
        #expect(tenant.role(of: "a") == nil)
        #expect(tenant.role(of: "b") == .owner)
        #expect(tenant.quotas == ["requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4"])
    }

    @Test func floorListsExactlyTheFailingRequirements() throws {
        let tenant = try Tenant.parse(
            yaml: """
                tenant:
                  name: small
                  members: [{userId: a, role: owner}]
                  quotas:
                    requests.cpu: 500m
                    requests.memory: 1Gi
                    limits.cpu: 2500m
                  networking:
                    allowInternetEgress: false
                """, file: "f")
        let failing = OpenClawQuotaFloor.default.check(tenant)
        #expect(
            failing == [
                QuotaRequirement(field: "requests.memory", required: "1280Mi", actual: "1Gi"),
                QuotaRequirement(field: "limits.cpu", required: "3", actual: "2500m"),
                QuotaRequirement(field: "limits.memory", required: "4Gi", actual: ""),
                QuotaRequirement(field: "networking.allowInternetEgress", required: "true", actual: "false"),
            ])
    }

    @Test func floorIsConfigurableAndRequirementEncodesExactKeys() throws {
        let tenant = Tenant(name: "t", members: [], quotas: ["limits.cpu": "2500m", "limits.memory": "5Gi"], networking: [:])
        let older = OpenClawQuotaFloor(quotas: [("limits.cpu", "2500m"), ("limits.memory", "5Gi")], requiresInternetEgress: false)
        #expect(older.check(tenant).isEmpty)
        let data = try JSONEncoder().encode(QuotaRequirement(field: "limits.cpu", required: "3", actual: ""))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: String]
        #expect(object == ["field": "limits.cpu", "required": "3", "actual": ""])
        #expect(OpenClawQuotaFloor.default.json["requests.memory"]?.stringValue == "1280Mi")
    }
}
