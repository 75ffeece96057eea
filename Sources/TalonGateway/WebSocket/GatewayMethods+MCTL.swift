import TalonCore
import TalonMCTL

/// The fork's `mctl.connect.*`: connect the gateway to MCTL with OAuth (dynamic registration, PKCE), once per
/// gateway. `status` needs read; `start`/`complete`/`disconnect` need `mctl.owner` (or `operator.admin`).
extension GatewayMethods {
    func mctlConnectStart(_ params: JSONValue) async throws -> JSONValue {
        guard let redirectUri = params["redirectUri"]?.stringValue, !redirectUri.isEmpty else {
            throw GatewayError.invalid("redirectUri is required")
        }
        do {
            return try await services.mctl.start(redirectUri: redirectUri).json
        } catch let error as MCTLConnectError {
            throw Self.gatewayError(error)
        }
    }

    func mctlConnectComplete(_ params: JSONValue) async throws -> JSONValue {
        guard let code = params["code"]?.stringValue, !code.isEmpty, let state = params["state"]?.stringValue, !state.isEmpty else {
            throw GatewayError.invalid("code and state are required")
        }
        do {
            return try await services.mctl.complete(code: code, state: state).json
        } catch let error as MCTLConnectError {
            throw Self.gatewayError(error)
        }
    }

    func mctlConnectStatus() async -> JSONValue {
        await services.mctl.status().json
    }

    func mctlConnectDisconnect() async throws -> JSONValue {
        do {
            try await services.mctl.disconnect()
        } catch let error as MCTLConnectError {
            throw Self.gatewayError(error)
        }
        return await services.mctl.status().json
    }

    /// Caller mistakes are INVALID_REQUEST; failures of the MCTL API (or the network) are UNAVAILABLE.
    static func gatewayError(_ error: MCTLConnectError) -> GatewayError {
        switch error {
        case .invalidRedirectUri, .noPendingConnect, .stateMismatch, .notConnected:
            GatewayError.invalid(error.description)
        default:
            GatewayError("UNAVAILABLE", error.description)
        }
    }
}
