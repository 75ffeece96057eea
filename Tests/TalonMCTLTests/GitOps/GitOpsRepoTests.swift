import Foundation
import Testing

@testable import TalonMCTL

@Suite struct GitOpsRepoTests {
    @Test func commitWritesDeletesAndRecordsAuthor() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo(files: ["README.md": "x\n", "old/file.txt": "bye\n"])
        defer { GitOpsTestSupport.remove(url) }
        try await repo.validate()
        let before = try await repo.headSHA()
        let sha = try await repo.commit(
            message: "feat: add things",
            changes: [.write(path: "a/b/c.yaml", content: "k: v\n"), .delete(path: "old/file.txt"), .delete(path: "never/there.md")])
        #expect(sha != nil)
        #expect(sha != before)
        #expect(try await repo.headSHA() == sha)
        let info = try #require(try await repo.lastCommit())
        #expect(info.message == "feat: add things")
        #expect(info.authorName == "Talon Bot")
        #expect(info.authorEmail == "bot@talon.test")
        #expect(info.committerName == "Talon Bot")
        #expect(info.committerEmail == "bot@talon.test")
        #expect(info.files == ["a/b/c.yaml", "old/file.txt"])
        #expect(try await repo.read("a/b/c.yaml") == "k: v\n")
        #expect(try await repo.exists("old/file.txt") == false)
        #expect(try await repo.list("a/b") == ["c.yaml"])
        #expect(try await repo.list("missing") == [])
        #expect(try await GitOpsTestSupport.status(url).isEmpty)
    }

    @Test func unchangedContentMakesNoCommit() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo(files: ["f.txt": "same\n"])
        defer { GitOpsTestSupport.remove(url) }
        let before = try await repo.headSHA()
        #expect(try await repo.commit(message: "chore: nothing", changes: [.write(path: "f.txt", content: "same\n")]) == nil)
        #expect(try await repo.commit(message: "chore: nothing", changes: [.delete(path: "nope/x.md")]) == nil)
        #expect(try await repo.commit(message: "chore: nothing", changes: []) == nil)
        #expect(try await repo.headSHA() == before)
        #expect(try await GitOpsTestSupport.status(url).isEmpty)
    }

    @Test func onlyTheGivenPathsAreCommitted() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo()
        defer { GitOpsTestSupport.remove(url) }
        try Data("stray\n".utf8).write(to: url.appendingPathComponent("stray.txt"))
        _ = try await repo.commit(message: "feat: one", changes: [.write(path: "one.txt", content: "1\n")])
        #expect(try await repo.lastCommit()?.files == ["one.txt"])
        #expect(try await GitOpsTestSupport.status(url) == "?? stray.txt\n")
    }

    @Test(arguments: ["/etc/passwd", "../escape", "a/../../b", "a/./b", "", "a//b", ".git/config", "a\\b"])
    func rejectsUnsafePaths(path: String) async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo()
        defer { GitOpsTestSupport.remove(url) }
        await #expect(throws: GitOpsRepoError.self) {
            try await repo.commit(message: "x", changes: [.write(path: path, content: "x")])
        }
        await #expect(throws: GitOpsRepoError.self) { try await repo.read(path) }
        #expect(try await GitOpsTestSupport.status(url).isEmpty)
    }

    @Test func failedCommitRestoresTouchedPaths() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo(files: ["keep.txt": "original\n"])
        defer { GitOpsTestSupport.remove(url) }
        // A pre-commit hook that fails makes `git commit` fail after the files were written and staged.
        let hook = url.appendingPathComponent(".git/hooks/pre-commit")
        try Data("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let before = try await repo.headSHA()
        await #expect {
            try await repo.commit(
                message: "feat: doomed",
                changes: [.write(path: "keep.txt", content: "changed\n"), .write(path: "new/dir/file.txt", content: "n\n")])
        } throws: { error in
            "\(error)".contains("git commit failed") && "\(error)".contains("hook says no")
        }
        #expect(try await repo.headSHA() == before)
        #expect(try await repo.read("keep.txt") == "original\n")
        #expect(try await repo.exists("new") == false)
        #expect(try await GitOpsTestSupport.status(url).isEmpty)
    }

    @Test func validateRejectsNonRepositories() async throws {
        let plain = try GitOpsTestSupport.makeTempDirectory()
        defer { GitOpsTestSupport.remove(plain) }
        await #expect {
            try await GitOpsRepo(root: plain).validate()
        } throws: { error in
            "\(error)".contains("not a git work tree")
        }
        await #expect(throws: GitOpsRepoError.self) {
            try await GitOpsRepo(root: plain.appendingPathComponent("missing")).validate()
        }
    }

    @Test func concurrentCommitsAreSerialized() async throws {
        let (repo, url) = try await GitOpsTestSupport.makeRepo()
        defer { GitOpsTestSupport.remove(url) }
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await repo.commit(message: "feat: \(index)", changes: [.write(path: "f\(index).txt", content: "\(index)\n")])
                }
            }
            var shas: Set<String> = []
            for try await sha in group { shas.insert(try #require(sha)) }
            #expect(shas.count == 6)
        }
        let count = try await GitOpsTestSupport.git(["rev-list", "--count", "HEAD"], in: url)
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "7")
        #expect(try await GitOpsTestSupport.status(url).isEmpty)
    }
}
