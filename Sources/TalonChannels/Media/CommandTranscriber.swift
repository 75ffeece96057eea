import Foundation

/// Runs a local speech-to-text command on a temporary copy of the audio. `{{MediaPath}}` in the arguments
/// becomes the file's path; the command's standard output is the transcript.
enum CommandTranscriber {
    static func run(command: String, args: [String], audio: [UInt8], filename: String, timeoutSeconds: Int) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("talon-stt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let mediaPath = directory.appendingPathComponent(filename).path
        guard FileManager.default.createFile(atPath: mediaPath, contents: Data(audio), attributes: [.posixPermissions: 0o600]) else {
            throw MediaError.transcriptionFailed("cannot write a temporary audio file")
        }
        let arguments = args.map { $0.replacingOccurrences(of: "{{MediaPath}}", with: mediaPath) }
        // The wait and the pipe read block: they run on their own thread, never on the cooperative pool.
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try runBlocking(command: command, arguments: arguments, timeoutSeconds: timeoutSeconds) })
            }
            thread.start()
        }
    }

    private static func runBlocking(command: String, arguments: [String], timeoutSeconds: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw MediaError.transcriptionFailed("cannot start \(command): \(error)")
        }
        let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(max(timeoutSeconds, 1)), execute: deadline)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        deadline.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw MediaError.transcriptionFailed(
                process.terminationReason == .uncaughtSignal
                    ? "\(command) did not finish within \(timeoutSeconds) s" : "\(command) exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
