import Foundation
import Hummingbird
import TalonCore

/// The REST endpoints the GitHub tools use, over one in-memory repository.
struct FakeGitHubRoutes {
    let request: FakeRequest
    /// Path segments after `/repos/{owner}/{repo}`.
    let rest: [String]
    let baseURL: String

    private var body: JSONValue { request.body ?? .null }
    private func message(_ status: Int, _ text: String) -> Response { FakeGitHubState.message(status, text) }

    func answer(_ repo: inout FakeGitHubRepo) -> Response {
        switch (request.method, rest.first) {
        case ("GET", nil):
            return FakeServerBoot.json(
                .ok, ["full_name": .string(repo.fullName), "default_branch": .string(repo.defaultBranch), "private": false])
        case ("GET", "git") where rest.count >= 4 && rest[1] == "ref" && rest[2] == "heads":
            let branch = rest[3...].joined(separator: "/")
            guard let sha = repo.branches[branch] else { return message(404, "Not Found") }
            return FakeServerBoot.json(.ok, ["ref": .string("refs/heads/" + branch), "object": ["sha": .string(sha), "type": "commit"]])
        case ("POST", "git") where rest.count == 2 && rest[1] == "refs":
            return createRef(&repo)
        case ("GET", "contents") where rest.count >= 2:
            return getContents(repo, path: rest[1...].joined(separator: "/"))
        case ("PUT", "contents") where rest.count >= 2:
            return putContents(&repo, path: rest[1...].joined(separator: "/"))
        case ("GET", "pulls") where rest.count == 1:
            return listPulls(repo)
        case ("POST", "pulls") where rest.count == 1:
            return createPull(&repo)
        default:
            return message(404, "Not Found")
        }
    }

    private func createRef(_ repo: inout FakeGitHubRepo) -> Response {
        guard let ref = body["ref"]?.stringValue, ref.hasPrefix("refs/heads/"), let sha = body["sha"]?.stringValue else {
            return message(422, "Invalid request.")
        }
        let branch = String(ref.dropFirst("refs/heads/".count))
        guard repo.branches[branch] == nil else { return message(422, "Reference already exists") }
        guard repo.commits[sha] != nil else { return message(422, "Object does not exist") }
        repo.branches[branch] = sha
        return FakeServerBoot.json(.created, ["ref": .string(ref), "object": ["sha": .string(sha), "type": "commit"]])
    }

    private func getContents(_ repo: FakeGitHubRepo, path: String) -> Response {
        let ref = request.query["ref"] ?? repo.defaultBranch
        guard let files = repo.files(at: ref) else { return message(404, "No commit found for the ref \(ref)") }
        guard let content = files[path] else { return message(404, "Not Found") }
        // GitHub wraps the base64 at 60 columns.
        let encoded = Data(content.utf8).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return FakeServerBoot.json(
            .ok,
            [
                "type": "file", "encoding": "base64", "path": .string(path), "name": .string(String(path.split(separator: "/").last ?? "")),
                "size": .number(Double(content.utf8.count)), "sha": .string(FakeGitHubRepo.blobSha(content)),
                "content": .string(encoded + "\n"),
            ])
    }

    private func putContents(_ repo: inout FakeGitHubRepo, path: String) -> Response {
        let branch = body["branch"]?.stringValue ?? repo.defaultBranch
        guard let message = body["message"]?.stringValue, let encoded = body["content"]?.stringValue,
            let data = Data(base64Encoded: encoded), let content = String(data: data, encoding: .utf8)
        else { return self.message(422, "Invalid request.") }
        guard let head = repo.branches[branch], var files = repo.commits[head] else {
            return self.message(404, "Branch \(branch) not found")
        }
        let existing = files[path]
        if let existing {
            guard let sha = body["sha"]?.stringValue else { return self.message(422, "Invalid request.\n\n\"sha\" wasn't supplied.") }
            guard sha == FakeGitHubRepo.blobSha(existing) else { return self.message(409, "\(path) does not match \(sha)") }
        }
        files[path] = content
        let commit = FakeGitHubRepo.newCommitSha()
        repo.commits[commit] = files
        repo.branches[branch] = commit
        return FakeServerBoot.json(
            existing == nil ? .created : .ok,
            [
                "content": ["path": .string(path), "sha": .string(FakeGitHubRepo.blobSha(content))],
                "commit": ["sha": .string(commit), "message": .string(message)],
            ])
    }

    private func listPulls(_ repo: FakeGitHubRepo) -> Response {
        let state = request.query["state"] ?? "open"
        var pulls = repo.pulls.filter { state == "all" || $0.state == state }
        if let head = request.query["head"] {
            let parts = head.split(separator: ":", maxSplits: 1).map(String.init)
            let owner = String(repo.fullName.split(separator: "/").first ?? "")
            guard parts.count == 2, parts[0].lowercased() == owner.lowercased() else { return FakeServerBoot.json(.ok, []) }
            pulls = pulls.filter { $0.head == parts[1] }
        }
        if let base = request.query["base"] { pulls = pulls.filter { $0.base == base } }
        return FakeServerBoot.json(.ok, .array(pulls.map { repo.pullJSON($0, baseURL: baseURL) }))
    }

    private func createPull(_ repo: inout FakeGitHubRepo) -> Response {
        guard let title = body["title"]?.stringValue, let head = body["head"]?.stringValue, let base = body["base"]?.stringValue else {
            return message(422, "Validation Failed")
        }
        guard let headSha = repo.branches[head], let baseSha = repo.branches[base] else {
            return message(422, "Validation Failed: head or base invalid")
        }
        if repo.pulls.contains(where: { $0.head == head && $0.base == base && $0.state == "open" }) {
            return message(422, "A pull request already exists for \(head).")
        }
        guard headSha != baseSha else { return message(422, "No commits between \(base) and \(head)") }
        let pull = FakePull(
            number: repo.pulls.count + 1, title: title, body: body["body"]?.stringValue ?? "", head: head, base: base,
            draft: body["draft"]?.boolValue ?? false, state: "open")
        repo.pulls.append(pull)
        return FakeServerBoot.json(.created, repo.pullJSON(pull, baseURL: baseURL))
    }
}
