import Testing

@testable import TalonCore

@Suite("Agents config")
struct AgentsConfigTests {
    @Test("agents.list: order kept, ids lowercased, default: true marks the default agent")
    func listForm() throws {
        let text = """
            {
              agents: {
                defaults: { workspace: '/w', model: 'anthropic/claude', maxConcurrent: 4, timeoutSeconds: 600 },
                list: [
                  { id: 'Main', name: 'Main agent' },
                  { id: 'ops', default: true, workspace: '/ops', model: { primary: 'openai/gpt', fallbacks: ['x/y'] } },
                ],
              },
            }
            """
        let agents = try parseConfig(text).config.agents
        #expect(agents.entries.map(\.id) == ["main", "ops"])
        #expect(agents.entries[0].name == "Main agent")
        #expect(agents.entries[0].isDefault == false)
        #expect(agents.entries[1].workspace == "/ops")
        #expect(agents.entries[1].model == ModelSelection(primary: "openai/gpt", fallbacks: ["x/y"]))
        #expect(agents.entries[1].raw["default"] == .bool(true))
        #expect(agents.defaultAgentId == "ops")
        #expect(agents.defaults.workspace == "/w")
        #expect(agents.defaults.model == ModelSelection(primary: "anthropic/claude"))
        #expect(agents.defaults.maxConcurrent == 4)
        #expect(agents.defaults.timeoutSeconds == 600)
        #expect(agents.entry(id: "OPS")?.workspace == "/ops")
    }

    @Test("without a default mark the first list entry is the default")
    func firstListEntryIsDefault() throws {
        let agents = try parseConfig("{ agents: { list: [ { id: 'alpha' }, { id: 'main' } ] } }").config.agents
        #expect(agents.defaultAgentId == "alpha")
    }

    @Test("agents.entries: the map key is the id; main is preferred as default, else the first id in order")
    func entriesForm() throws {
        let text = "{ agents: { entries: { zed: { name: 'Z' }, main: { workspace: '/m' }, ops: {} } } }"
        let agents = try parseConfig(text).config.agents
        #expect(agents.entries.map(\.id) == ["main", "ops", "zed"])
        #expect(agents.entries.first?.workspace == "/m")
        #expect(agents.defaultAgentId == "main")
        #expect(try parseConfig("{ agents: { entries: { zed: {}, ops: {} } } }").config.agents.defaultAgentId == "ops")
        let marked = try parseConfig("{ agents: { entries: { main: {}, zed: { default: true } } } }").config.agents
        #expect(marked.defaultAgentId == "zed")
    }

    @Test("both forms together: list entries first, ids unique across forms")
    func bothForms() throws {
        let agents = try parseConfig("{ agents: { list: [ { id: 'b' } ], entries: { a: {} } } }").config.agents
        #expect(agents.entries.map(\.id) == ["b", "a"])
        #expect(agents.defaultAgentId == "b")
        let issues = configIssues("{ agents: { list: [ { id: 'main' } ], entries: { MAIN: {} } } }")
        #expect(issues.map(\.path) == ["agents.entries.MAIN"])
        #expect(issues.first?.message == "duplicate agent id \"main\" (first defined at agents.list[0])")
    }

    @Test("no agents configured: default id is main")
    func noAgents() throws {
        let agents = try parseConfig("{}").config.agents
        #expect(agents.entries.isEmpty)
        #expect(agents.defaultAgentId == "main")
        #expect(agents.defaults.maxConcurrent == 8)
        #expect(agents.defaults.timeoutSeconds == 172_800)
    }

    @Test("invalid, missing and duplicate ids, and two defaults, are issues")
    func idProblems() {
        let text = """
            {
              agents: {
                list: [
                  { id: 'main', default: true }, { id: 'MAIN' }, { id: '-bad' }, { name: 'no id' }, { id: 'ops', default: true },
                  { id: '\(String(repeating: "a", count: 65))' },
                ],
                entries: { 'has space': {} },
              },
            }
            """
        let issues = configIssues(text)
        #expect(issues.at("agents.list[1].id")?.message == "duplicate agent id \"main\" (first defined at agents.list[0])")
        #expect(issues.at("agents.list[2].id")?.message == "invalid agent id \"-bad\"")
        #expect(issues.at("agents.list[2].id")?.hint == "ids match ^[a-z0-9][a-z0-9_-]{0,63}$ after lowercasing")
        #expect(issues.at("agents.list[3].id")?.message == "missing required key \"id\"")
        #expect(issues.at("agents.list[4].default")?.message == "more than one agent is marked default (also agents.list[0])")
        #expect(issues.at("agents.list[5].id")?.message.hasPrefix("invalid agent id") == true)
        #expect(issues.at("agents.entries.has space")?.message == "invalid agent id \"has space\"")
        #expect(issues.count == 6)
    }

    @Test("the list form rejects unknown keys, the map form rejects id")
    func entryKeys() {
        #expect(configIssues("{ agents: { entries: { main: { id: 'main' } } } }").at("agents.entries.main.id")?.message == "unknown key")
    }

    @Test("agent id rule")
    func idRule() {
        #expect(AgentEntry.isValidId("main"))
        #expect(AgentEntry.isValidId("a"))
        #expect(AgentEntry.isValidId("0ops_team-1"))
        #expect(AgentEntry.isValidId(String(repeating: "a", count: 64)))
        #expect(!AgentEntry.isValidId(String(repeating: "a", count: 65)))
        #expect(!AgentEntry.isValidId(""))
        #expect(!AgentEntry.isValidId("_main"))
        #expect(!AgentEntry.isValidId("Main"))
        #expect(!AgentEntry.isValidId("ma.in"))
    }

    @Test("model selection from a string or an object")
    func modelSelection() {
        #expect(ModelSelection(json: "a/b") == ModelSelection(primary: "a/b"))
        #expect(
            ModelSelection(json: ["primary": "a/b", "fallbacks": ["c/d", "e/f"]])
                == ModelSelection(primary: "a/b", fallbacks: ["c/d", "e/f"]))
        #expect(ModelSelection(json: ["fallbacks": ["c/d"]]) == nil)
        #expect(ModelSelection(json: "") == nil)
        #expect(ModelSelection(json: nil) == nil)
    }
}
