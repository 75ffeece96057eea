import Testing

@testable import TalonChannels

@Suite("PairingCode")
struct PairingCodeTests {
    @Test("the alphabet is A–Z and 2–9 without look-alikes")
    func alphabet() {
        #expect(PairingCode.alphabet.count == 32)
        #expect(Set(PairingCode.alphabet).count == 32)
        for excluded: Character in ["0", "O", "1", "I"] { #expect(!PairingCode.alphabet.contains(excluded)) }
        #expect(PairingCode.alphabet.allSatisfy { ("A"..."Z").contains($0) || ("2"..."9").contains($0) })
        #expect(PairingCode.length == 8)
    }

    @Test("generated codes have 8 alphabet symbols and differ")
    func generate() {
        let codes = (0..<200).map { _ in PairingCode.generate() }
        for code in codes {
            #expect(code.count == 8)
            #expect(code.allSatisfy(PairingCode.alphabet.contains))
            #expect(PairingCode.normalize(code) == code)
        }
        #expect(Set(codes).count == codes.count)
    }

    @Test("a seeded generator makes codes repeatable and covers the alphabet")
    func seeded() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        #expect(PairingCode.generate(using: &first) == PairingCode.generate(using: &second))
        var rng = SeededGenerator(seed: 7)
        var seen = Set<Character>()
        for _ in 0..<100 { seen.formUnion(PairingCode.generate(using: &rng)) }
        #expect(seen == Set(PairingCode.alphabet))
    }

    @Test("normalize upper-cases and trims, and rejects anything else")
    func normalize() {
        #expect(PairingCode.normalize("  abcd2345\n") == "ABCD2345")
        #expect(PairingCode.normalize("XYZW9876") == "XYZW9876")
        #expect(PairingCode.normalize("ABCD234") == nil)
        #expect(PairingCode.normalize("ABCD23456") == nil)
        #expect(PairingCode.normalize("ABCD2340") == nil)
        #expect(PairingCode.normalize("ABCDO234") == nil)
        #expect(PairingCode.normalize("ABCD-2345") == nil)
        #expect(PairingCode.normalize("ABCD 234") == nil)
        #expect(PairingCode.normalize("") == nil)
        #expect(PairingCode.normalize("ÄBCD2345") == nil)
    }
}
