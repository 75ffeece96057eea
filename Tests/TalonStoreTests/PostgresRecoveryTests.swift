import Foundation
import TalonTestSupport
import Testing

@testable import TalonStore

/// Outage behaviour against a private cluster that the test stops and restarts.
@Suite("PostgreSQL outages")
struct PostgresRecoveryTests {
    private static func withCluster(_ body: (PostgresCluster, PostgresSettings) async throws -> Void) async throws {
        let cluster = try await PostgresCluster.start()
        do {
            var settings = try PostgresSettings(url: cluster.url)
            settings.operationTimeout = .seconds(3)
            try await body(cluster, settings)
            await cluster.destroy()
        } catch {
            await cluster.destroy()
            throw error
        }
    }

    private static func withStore(_ settings: PostgresSettings, _ body: (any Store) async throws -> Void) async throws {
        let store = try await StoreFactory.open(.postgres(settings), logger: testLogger)
        do {
            try await body(store)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }

    /// Polls `ping` until it succeeds; returns how long that took, or nil at the deadline.
    private static func waitForPing(_ store: any Store, within limit: Duration) async -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            do {
                try await store.ping(timeout: .seconds(1))
                return clock.now - start
            } catch {
                try? await Task.sleep(for: .milliseconds(100))  // poll interval; failures may be instant
            }
        }
        return nil
    }

    @Test func storeReportsOutageAndRecoversWithoutReopening() async throws {
        try await Self.withCluster { cluster, settings in
            try await Self.withStore(settings) { store in
                try await store.migrate()
                try await store.kvSet(namespace: "n", key: "before", value: "1", nowMs: 1)

                try await cluster.stop()
                let clock = ContinuousClock()
                var start = clock.now
                let pingMessage = await expectUnavailable("ping while the server is down") {
                    try await store.ping(timeout: .seconds(2))
                }
                #expect(clock.now - start < .seconds(4), "ping gives up within its timeout")
                #expect(pingMessage?.contains("127.0.0.1:\(cluster.port)") == true, "names the server: \(pingMessage ?? "")")

                start = clock.now
                await expectUnavailable("write while the server is down") {
                    try await store.kvSet(namespace: "n", key: "during", value: "2", nowMs: 2)
                }
                #expect(clock.now - start < .seconds(5), "a write gives up within operationTimeout (3 s)")

                try await cluster.restart()
                let recovery = await Self.waitForPing(store, within: .seconds(10))
                try #require(recovery != nil, "ping succeeds again within 10 s of the restart")

                #expect(try await store.kvGet(namespace: "n", key: "before") == "1")
                try await store.kvSet(namespace: "n", key: "after", value: "3", nowMs: 3)
                #expect(try await store.kvGet(namespace: "n", key: "after") == "3")
            }
        }
    }

    /// A long outage under steady load must not leave the pool in a long backoff (postgres-nio grows its
    /// retry delay to a minute and has a circuit breaker after 15 s of failures): the first call after
    /// the server returns succeeds. Takes ~20 s, on purpose longer than the breaker's 15 s.
    @Test func firstCallAfterLongOutageUnderLoadSucceeds() async throws {
        try await Self.withCluster { cluster, settings in
            try await Self.withStore(settings) { store in
                try await store.ping(timeout: .seconds(2))
                try await cluster.stop()
                let clock = ContinuousClock()
                let outageEnd = clock.now + .seconds(17)
                // Three callers keep the pool busy for the whole outage; every call must fail as unavailable.
                let unexpected = await withTaskGroup(of: [String].self) { group in
                    for worker in 0..<3 {
                        group.addTask {
                            var unexpected: [String] = []
                            try? await Task.sleep(for: .milliseconds(700 * worker))
                            while clock.now < outageEnd {
                                do {
                                    try await store.ping(timeout: .seconds(2))
                                    unexpected.append("ping succeeded while the server was down")
                                } catch StoreError.unavailable {
                                } catch {
                                    unexpected.append("\(error)")
                                }
                            }
                            return unexpected
                        }
                    }
                    return await group.reduce(into: []) { $0 += $1 }
                }
                #expect(unexpected.isEmpty, "during the outage: \(unexpected)")
                try await cluster.restart()

                let start = clock.now
                try await store.ping(timeout: .seconds(3))
                #expect(clock.now - start < .seconds(3))
                try await store.migrate()
            }
        }
    }
}
