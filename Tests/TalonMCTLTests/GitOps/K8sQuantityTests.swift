import Foundation
import Testing

@testable import TalonMCTL

@Suite struct K8sQuantityTests {
    @Test(arguments: [("500m", 500), ("3", 3000), ("1.5", 1500), ("2500m", 2500), ("0.1", 100), ("1", 1000), ("250m", 250)])
    func cpuParsesToMillicores(text: String, expected: Int64) {
        #expect(K8sQuantity.milliCPU(text) == expected)
    }

    @Test(arguments: [
        ("1280Mi", Int64(1280) * 1_048_576), ("4Gi", Int64(4) * 1_073_741_824), ("1G", 1_000_000_000), ("512M", 512_000_000),
        ("1.5Gi", 1_610_612_736), ("1024", 1024), ("1e9", 1_000_000_000), ("2560Mi", 2_684_354_560), ("1Ki", 1024), ("5k", 5000),
    ])
    func memoryParsesToBytes(text: String, expected: Int64) {
        #expect(K8sQuantity.bytes(text) == expected)
    }

    @Test(arguments: ["", "abc", "1.2.3", "Mi", "-1", "1Xi", "1 Gi", "e9", "1e", "--1", ".", "1Gi5"])
    func invalidIsNil(text: String) {
        #expect(K8sQuantity.value(text) == nil)
        #expect(K8sQuantity.bytes(text) == nil)
    }

    @Test func comparesAcrossUnits() {
        #expect(K8sQuantity.isAtLeast("3", "2500m") == true)
        #expect(K8sQuantity.isAtLeast("2500m", "3") == false)
        #expect(K8sQuantity.isAtLeast("4Gi", "4096Mi") == true)
        #expect(K8sQuantity.isAtLeast("4G", "4Gi") == false)
        #expect(K8sQuantity.compare("1Gi", "1024Mi") == .orderedSame)
        #expect(K8sQuantity.compare("1Gi", "junk") == nil)
        #expect(K8sQuantity.isAtLeast("", "1") == nil)
    }
}
