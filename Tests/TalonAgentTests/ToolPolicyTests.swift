import TalonAgent
import TalonCore
import Testing

@Suite("Tool policy")
struct ToolPolicyTests {
    @Test func denyWinsGlobsAreCaseInsensitive() {
        let policy = ToolPolicy(config: ["allow": ["web_*", "Session_Status", "skill_read"], "deny": ["WEB_SEARCH"]])
        #expect(policy.permits("web_fetch"))
        #expect(!policy.permits("web_search"))
        #expect(policy.permits("session_status"))
        #expect(!policy.permits("exec"))
        #expect(ToolPolicy(config: [:]).permits("anything"))
        #expect(!ToolPolicy(config: ["deny": ["*"]]).permits("session_status"))
        #expect(ToolPolicy(config: ["allow": "*_read"]).permits("skill_read"))
        #expect(!ToolPolicy(config: ["allow": ["*_read"]]).permits("skill_reader"))
        #expect(ToolPolicy(allow: ["a*b*c"]).permits("aXXbYYc"))
    }
}
