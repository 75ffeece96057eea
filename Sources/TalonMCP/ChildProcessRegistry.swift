import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process groups of live stdio servers, so they die with the gateway: `shutdown()` stops them politely,
/// and this catches `exit()` paths that skip it (an `atexit` hook signals every group still registered).
/// A SIGKILLed gateway cannot run hooks; its children then see stdin close, which MCP stdio servers exit on.
enum ChildProcessRegistry {
    private static let groups = Mutex<Set<Int32>>([])
    private static let installed = Mutex(false)

    /// Call before the first spawn: children inherit the SIGPIPE disposition set here.
    static func prepare() {
        installOnce()
    }

    static func register(_ pid: Int32) {
        installOnce()
        groups.withLock { _ = $0.insert(pid) }
    }

    static func unregister(_ pid: Int32) {
        groups.withLock { _ = $0.remove(pid) }
    }

    private static func installOnce() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        // Writing to the stdin of a server that just died must give EPIPE, not kill the gateway. (Children inherit
        // the ignore; Python and Node ignore SIGPIPE themselves anyway.)
        signal(SIGPIPE, SIG_IGN)
        atexit {
            for pid in ChildProcessRegistry.groups.withLock({ $0 }) {
                // Foundation's Process makes each child a process-group leader: this reaches its children too.
                kill(-pid, SIGTERM)
                kill(pid, SIGTERM)
            }
        }
    }
}
