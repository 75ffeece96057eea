import Testing

@testable import TalonCore

@Suite("${VAR} substitution")
struct EnvSubstitutionTests {
    @Test("variables are substituted in string values anywhere, including inside longer strings and arrays")
    func substitutes() throws {
        let text = """
            {
              gateway: { auth: { token: '${GW_TOKEN}' }, customBindHost: 'h-${HOST_SUFFIX}.local', bind: 'custom' },
              models: { providers: { openai: { apiKey: '${OPENAI_API_KEY}', baseUrl: 'https://${API_HOST}/v1' } } },
              tools: { allow: ['${TOOL_A}', 'plain'] },
            }
            """
        let environment = [
            "GW_TOKEN": "secret-token", "HOST_SUFFIX": "01", "OPENAI_API_KEY": "sk-test", "API_HOST": "api.example.com",
            "TOOL_A": "exec",
        ]
        let loaded = try parseConfig(text, environment: environment)
        #expect(loaded.config.gateway.auth.token == "secret-token")
        #expect(loaded.config.gateway.customBindHost == "h-01.local")
        #expect(loaded.config.models.providers["openai"]?.apiKey == "sk-test")
        #expect(loaded.config.models.providers["openai"]?.baseUrl == "https://api.example.com/v1")
        #expect(loaded.raw.value(atPath: "tools.allow") == ["exec", "plain"])
        #expect(loaded.config.tools["allow"] == ["exec", "plain"])
    }

    @Test("keys are never substituted")
    func keysUntouched() throws {
        let loaded = try parseConfig("{ channels: { '${CHANNEL}': { enabled: true } } }", environment: ["CHANNEL": "x"])
        #expect(loaded.config.channels["${CHANNEL}"] != nil)
        #expect(loaded.config.channels["x"] == nil)
    }

    @Test("$${VAR} is an escape for a literal ${VAR}; lowercase and malformed references stay literal")
    func escapesAndLiterals() throws {
        let text = """
            { messages: { responsePrefix: '$${HOME} ${lower} ${Mixed} ${ } ${UNCLOSED $5 $${lower}', ackReaction: '$$${A}' } }
            """
        let loaded = try parseConfig(text, environment: ["HOME": "/root", "A": "x"])
        #expect(loaded.config.messages["responsePrefix"]?.stringValue == "${HOME} ${lower} ${Mixed} ${ } ${UNCLOSED $5 $${lower}")
        #expect(loaded.config.messages["ackReaction"]?.stringValue == "$${A}")
    }

    @Test("a missing or empty variable is an issue at the value's JSON path, and all are reported")
    func missingVariables() {
        let text = """
            {
              gateway: { auth: { token: '${GW_TOKEN}' } },
              agents: { list: [ { id: 'main', workspace: '${WS}/${WS}' } ] },
              hooks: { token: '${EMPTY}' },
            }
            """
        let issues = configIssues(text, environment: ["EMPTY": ""])
        #expect(issues.at("gateway.auth.token")?.message == "missing environment variable GW_TOKEN")
        #expect(issues.at("agents.list[0].workspace")?.message == "missing environment variable WS")
        #expect(issues.at("hooks.token")?.message == "missing environment variable EMPTY")
        #expect(issues.count == 3)
    }

    @Test("env.vars and env shorthand supply variables missing from the environment; the environment wins")
    func envVars() throws {
        let text = """
            {
              env: { vars: { GW_TOKEN: 'from-config', SHARED: 'config-value' }, OPENAI_API_KEY: 'sk-inline' },
              gateway: { auth: { token: '${GW_TOKEN}', password: '${SHARED}' } },
              models: { providers: { openai: { apiKey: '${OPENAI_API_KEY}' } } },
            }
            """
        let loaded = try parseConfig(text, environment: ["SHARED": "process-value"])
        #expect(loaded.config.gateway.auth.token == "from-config")
        #expect(loaded.config.gateway.auth.password == "process-value")
        #expect(loaded.config.models.providers["openai"]?.apiKey == "sk-inline")
    }

    @Test("env.vars fill a variable that is set but empty")
    func envVarsFillEmpty() throws {
        let loaded = try parseConfig(
            "{ env: { vars: { TOKEN: 'cfg' } }, gateway: { auth: { token: '${TOKEN}' } } }", environment: ["TOKEN": ""])
        #expect(loaded.config.gateway.auth.token == "cfg")
    }

    @Test("env section members must be strings")
    func envValidation() {
        let issues = configIssues("{ env: { vars: { A: 1 }, B: true, shellEnv: { enabled: 'yes' } } }")
        #expect(issues.at("env.vars.A")?.message == "expected string, got number")
        #expect(issues.at("env.B")?.message == "expected string, got boolean")
        #expect(issues.at("env.shellEnv.enabled")?.message == "expected boolean, got string")
    }

    @Test("SecretRef objects with source env resolve; other sources are left unset with a warning")
    func secretRefs() throws {
        let text = """
            {
              gateway: { auth: { token: { source: 'env', provider: 'default', id: 'GW_TOKEN' } } },
              models: { providers: { openai: { apiKey: { source: 'file', provider: 'vault', id: '/openai' } } } },
            }
            """
        let loaded = try parseConfig(text, environment: ["GW_TOKEN": "tok"])
        #expect(loaded.config.gateway.auth.token == "tok")
        #expect(loaded.config.models.providers["openai"]?.apiKey == nil)
        #expect(loaded.warnings.contains { $0.hasPrefix("models.providers.openai.apiKey: SecretRef source \"file\"") })

        let issues = configIssues("{ gateway: { auth: { token: { source: 'env', id: 'NOPE' } } } }")
        #expect(issues.at("gateway.auth.token")?.message == "missing environment variable NOPE")
    }

    @Test("the substitution routine on its own")
    func routine() {
        var missing: [String] = []
        let result = EnvSubstitution.substitute(in: "${A}-${B}-${A}-$${C}", environment: ["A": "1"], missing: &missing)
        #expect(result == "1-${B}-1-${C}")
        #expect(missing == ["B"])
        #expect(EnvSubstitution.isVariableName("_A1"))
        #expect(!EnvSubstitution.isVariableName("1A"))
        #expect(!EnvSubstitution.isVariableName("a"))
    }
}
