import Foundation
import Hummingbird
import NIOCore
import TalonCore

/// mctl-api's REST paths for the OpenClaw operations. Each route gathers its path parameters, query and JSON body
/// into the same arguments the MCP tool takes and runs the same operation, so both surfaces answer alike.
struct PlatformRESTRoutes: Sendable {
    let app: MCTLServeApp

    func register(on router: Router<BasicRequestContext>) {
        let base = "/api/v1/openclaw"
        router.post("\(base)/deploy/start") { request, context in await run("mctl_deploy_openclaw", request, context) }
        router.post("\(base)/deploy/resume") { request, context in await run("mctl_resume_openclaw_deploy", request, context) }
        router.get("\(base)/:team/:app/sizing") { request, context in
            await run("mctl_get_openclaw_sizing_recommendation", request, context)
        }
        router.post("\(base)/:team/:app/resource-profile") { request, context in
            await run("mctl_apply_openclaw_resource_profile", request, context)
        }
        router.get("\(base)/:team/skills") { request, context in await run("mctl_list_openclaw_skills", request, context) }
        router.post("\(base)/:team/skills") { request, context in await run("mctl_save_openclaw_skill", request, context) }
        router.get("\(base)/:team/skills/:name") { request, context in await run("mctl_read_openclaw_skill", request, context) }
        router.delete("\(base)/:team/skills/:name") { request, context in await run("mctl_delete_openclaw_skill", request, context) }
        router.get("\(base)/:team/identity") { request, context in await run("mctl_list_openclaw_identity", request, context) }
        router.post("\(base)/:team/identity") { request, context in await run("mctl_save_openclaw_identity", request, context) }
        router.get("\(base)/:team/identity/:name") { request, context in await run("mctl_read_openclaw_identity", request, context) }
        router.delete("\(base)/:team/identity/:name") { request, context in
            await run("mctl_delete_openclaw_identity", request, context)
        }
    }

    private func run(_ tool: String, _ request: Request, _ context: BasicRequestContext) async -> Response {
        let caller: MCTLCaller
        switch await app.authenticate(request) {
        case .caller(let verified): caller = verified
        case .refused(let response): return response
        }
        var arguments: [String: JSONValue] = [:]
        if request.method == .post || request.method == .put || request.method == .patch {
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: MCTLServeApp.maxJSONBody)
            } catch {
                return MCTLServeApp.json(413, ["error": .string("request body is larger than \(MCTLServeApp.maxJSONBody) bytes")])
            }
            if buffer.readableBytes > 0 {
                guard case .object(let members)? = try? JSON5.parse(utf8: Array(buffer.readableBytesView)) else {
                    return MCTLServeApp.json(400, ["error": "request body must be a JSON object"])
                }
                arguments = members
            }
        }
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            if arguments[key] == nil { arguments[key] = .string(String(value)) }
        }
        // Path parameters win over the body: the URL names the resource.
        if let team = context.parameters.get("team") { arguments["team_name"] = .string(team) }
        if let service = context.parameters.get("app") { arguments["component_name"] = .string(service) }
        if let name = context.parameters.get("name") {
            arguments[tool.hasSuffix("skill") ? "skill_name" : "file_name"] = .string(name)
        }
        let result = await app.platform.call(tool: tool, arguments: arguments, caller: caller)
        return MCTLServeApp.json(result.status, result.body)
    }
}
