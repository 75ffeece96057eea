import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: Prometheus text format (gateway auth, like every non-probe route).
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/metrics") { _, _ in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(4096)
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
