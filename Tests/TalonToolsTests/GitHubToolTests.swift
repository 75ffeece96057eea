import Foundation
import TalonCore
import TalonTestSupport
import TalonTools
import Testing

@Suite("GitHub PR tools")
struct GitHubToolTests {
    static let fixed = GitHubHarness.valuesText.replacingOccurrences(of: "256Mi", with: "384Mi")

    @Test func upsertCreatesTheBranchFromBaseThenCommitsTheFile() async throws {
        let harness = try await GitHubHarness.make()
        let mainHead = try #require(harness.fake.branchHead(GitHubHarness.repo, branch: "main"))
        let output = try await harness.upsert(Self.fixed)
        #expect(!output.isError, "\(output.text)")
        let answer = try JSON5.parse(output.text)
        #expect(answer["created_branch"] == true)
        #expect(answer["updated_existing_file"] == true)
        let branchHead = try #require(harness.fake.branchHead(GitHubHarness.repo, branch: "openclaw/ticket-T-1"))
        #expect(answer["commit_sha"]?.stringValue == branchHead)
        #expect(branchHead != mainHead)
        let created = try #require(harness.requests("POST", "/git/refs").first)
        #expect(created.body == ["ref": "refs/heads/openclaw/ticket-T-1", "sha": .string(mainHead)])
        #expect(harness.fake.file(GitHubHarness.repo, branch: "openclaw/ticket-T-1", path: GitHubHarness.valuesPath) == Self.fixed)
        #expect(harness.fake.file(GitHubHarness.repo, branch: "main", path: GitHubHarness.valuesPath) == GitHubHarness.valuesText)
        let put = try #require(harness.requests("PUT", GitHubHarness.valuesPath).first)
        #expect(put.header("authorization") == "Bearer \(harness.fake.token)")
        #expect(put.header("accept") == "application/vnd.github+json")
        #expect(put.header("x-github-api-version") == "2022-11-28")
        #expect(put.header("user-agent")?.isEmpty == false)
        #expect(put.body?["branch"] == "openclaw/ticket-T-1")
        #expect(put.body?["sha"] != nil, "replacing an existing file needs its blob sha")
        await harness.fake.stop()
    }

    @Test func secondUpsertUpdatesWithTheCurrentSha() async throws {
        let harness = try await GitHubHarness.make()
        _ = try await harness.upsert(Self.fixed)
        let firstPut = try #require(harness.requests("PUT", GitHubHarness.valuesPath).first)
        let second = try JSON5.parse(try await harness.upsert(Self.fixed + "# v2\n").text)
        #expect(second["created_branch"] == false)
        #expect(second["unchanged"] == false)
        let puts = harness.requests("PUT", GitHubHarness.valuesPath)
        #expect(puts.count == 2)
        #expect(puts[1].body?["sha"] != firstPut.body?["sha"])
        #expect(
            harness.fake.file(GitHubHarness.repo, branch: "openclaw/ticket-T-1", path: GitHubHarness.valuesPath) == Self.fixed + "# v2\n")
        #expect(harness.requests("POST", "/git/refs").count == 1)
        // The same content again commits nothing.
        let same = try JSON5.parse(try await harness.upsert(Self.fixed + "# v2\n").text)
        #expect(same["unchanged"] == true)
        #expect(harness.requests("PUT", GitHubHarness.valuesPath).count == 2)
        await harness.fake.stop()
    }

    @Test func newFileOnABranchHasNoSha() async throws {
        let harness = try await GitHubHarness.make()
        let output = try await harness.call(
            "github_upsert_file",
            [
                "repo": "mctlhq/mctl-gitops", "branch": "openclaw/ticket-T-2", "path": "docs/new.md", "content": "hello\n",
                "commitMessage": "docs", "base": "main",
            ])
        #expect(!output.isError, "\(output.text)")
        #expect(harness.requests("PUT", "docs/new.md").first?.body?["sha"] == nil)
        #expect(harness.fake.file(GitHubHarness.repo, branch: "openclaw/ticket-T-2", path: "docs/new.md") == "hello\n")
        await harness.fake.stop()
    }

    @Test func openPullRequestThenReuseIt() async throws {
        let harness = try await GitHubHarness.make()
        let none = try await harness.call("github_find_open_pull_request", ["repo": "mctlhq/mctl-gitops", "branch": "openclaw/ticket-T-1"])
        #expect(try JSON5.parse(none.text)["found"] == false)
        _ = try await harness.upsert(Self.fixed)
        let opened = try await harness.openPull()
        #expect(!opened.isError, "\(opened.text)")
        let first = try JSON5.parse(opened.text)
        #expect(first["pr_number"] == 1)
        #expect(first["pr_url"] == "https://github.com/mctlhq/mctl-gitops/pull/1")
        #expect(first["commit_sha"]?.stringValue == harness.fake.branchHead(GitHubHarness.repo, branch: "openclaw/ticket-T-1"))
        #expect(first["reused"] == false)
        #expect(harness.requests("POST", "/pulls").first?.body?["base"] == "main")

        let reused = try JSON5.parse(try await harness.openPull().text)
        #expect(reused["pr_number"] == 1)
        #expect(reused["reused"] == true)
        #expect(harness.fake.pulls(GitHubHarness.repo).count == 1)
        #expect(harness.requests("GET", "/pulls").last?.query["head"] == "mctlhq:openclaw/ticket-T-1")

        let found = try JSON5.parse(
            try await harness.call("github_find_open_pull_request", ["repo": "mctlhq/mctl-gitops", "branch": "openclaw/ticket-T-1"]).text)
        #expect(found["found"] == true)
        #expect(found["pr_number"] == 1)
        await harness.fake.stop()
    }

    @Test func getFileReturnsTextAndSha() async throws {
        let harness = try await GitHubHarness.make()
        let output = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": .string(GitHubHarness.valuesPath)])
        #expect(!output.isError, "\(output.text)")
        let answer = try JSON5.parse(output.text)
        #expect(answer["content"]?.stringValue == GitHubHarness.valuesText)
        #expect(answer["sha"]?.stringValue?.count == 40)
        let missing = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "nope.yaml", "ref": "main"])
        #expect(missing.isError && missing.text.contains("does not exist"))
        await harness.fake.stop()
    }

    @Test func repositoriesOutsideTheAllowlistAreRefusedWithoutHTTP() async throws {
        let harness = try await GitHubHarness.make()
        let output = try await harness.call("github_get_file", ["repo": "evil/repo", "path": "x"])
        #expect(output.isError && output.text.contains("not in OPENCLAW_GITHUB_ALLOWED_REPOS"))
        let traversal = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "../secrets"])
        #expect(traversal.isError)
        #expect(harness.fake.requests().isEmpty)

        let unset = try await GitHubHarness.make(environment: ["OPENCLAW_GITHUB_ALLOWED_REPOS": nil])
        let refused = try await unset.upsert(Self.fixed)
        #expect(refused.isError && refused.text.contains("OPENCLAW_GITHUB_ALLOWED_REPOS is not set"))
        #expect(unset.fake.requests().isEmpty)
        await harness.fake.stop()
        await unset.fake.stop()
    }

    @Test func missingTokenIsAClearError() async throws {
        let harness = try await GitHubHarness.make(environment: ["GITHUB_TOKEN": nil])
        let output = try await harness.openPull()
        #expect(output.isError && output.text.contains("GITHUB_TOKEN is not set"))
        #expect(harness.fake.requests().isEmpty)
        let wrong = try await GitHubHarness.make(environment: ["GITHUB_TOKEN": "ghp_wrong_token_value"])
        let unauthorized = try await wrong.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "README.md"])
        #expect(unauthorized.isError && unauthorized.text.contains("HTTP 401: Bad credentials"))
        #expect(!unauthorized.text.contains("ghp_wrong_token_value"))
        await harness.fake.stop()
        await wrong.fake.stop()
    }

    @Test func rateLimitsAreHonoured() async throws {
        let harness = try await GitHubHarness.make()
        harness.fake.rateLimitNext(1, resetInSeconds: 600)
        let limited = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "README.md"])
        #expect(limited.isError)
        #expect(limited.text.contains("rate limit exhausted"))
        #expect(limited.text.contains("resets at"))
        #expect(harness.fake.requests().count == 1)

        // A short Retry-After is waited for once.
        harness.fake.retryAfterNext(1, seconds: 1)
        let retried = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "README.md"])
        #expect(!retried.isError, "\(retried.text)")
        #expect(harness.fake.requests().count == 3)
        harness.fake.retryAfterNext(1, seconds: 60)
        let long = try await harness.call("github_get_file", ["repo": "mctlhq/mctl-gitops", "path": "README.md"])
        #expect(long.isError && long.text.contains("retry after 60 s"))
        await harness.fake.stop()
    }

    @Test func commitsToTheDefaultBranchAreRefused() async throws {
        let harness = try await GitHubHarness.make()
        let output = try await harness.upsert(Self.fixed, branch: "main")
        #expect(output.isError && output.text.contains("refusing to commit to main"))
        #expect(harness.requests("PUT", GitHubHarness.valuesPath).isEmpty)
        await harness.fake.stop()
    }
}
