/// Why inbound media could not be used.
public enum MediaError: Error, Sendable, CustomStringConvertible {
    /// Over the configured cap (`bytes` when known before downloading).
    case tooLarge(bytes: Int?, limit: Int)
    /// No speech-to-text is configured or available.
    case noTranscriber
    /// Every configured transcriber failed.
    case transcriptionFailed(String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            "file too large (\(bytes.map { "\($0) bytes" } ?? "over the cap"), limit \(limit) bytes)"
        case .noTranscriber: "no speech-to-text configured"
        case .transcriptionFailed(let reason): "transcription failed: \(reason)"
        }
    }
}
