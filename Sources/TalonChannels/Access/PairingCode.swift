/// The short code an unknown DM sender gets, which the owner approves to let them in.
public enum PairingCode {
    /// A–Z and 2–9 without 0, O, 1, I (32 symbols).
    ///
    /// Leaving out look-alikes lets people read the code aloud or retype it from a screenshot.
    public static let alphabet: [Character] = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    /// Symbols per code: 32^8 ≈ 10^12 codes, far beyond guessing within a code's lifetime.
    public static let length = 8

    /// A fresh random code from the system's secure generator.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// A code drawn from `rng` (deterministic generators make tests repeatable).
    public static func generate<R: RandomNumberGenerator>(using rng: inout R) -> String {
        // 32 symbols divide 2^64 evenly, so `next(upperBound:)` is unbiased here.
        String((0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Upper-cases and trims; nil unless 8 symbols of the alphabet.
    public static func normalize(_ input: String) -> String? {
        let code = input.trimmingWhitespace().uppercased()
        guard code.count == length, code.allSatisfy(symbols.contains) else { return nil }
        return code
    }

    private static let symbols = Set(alphabet)
}
