// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Talon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "talon", targets: ["talon"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
    ],
    targets: [
        .target(
            name: "TalonCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonStore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonModels",
            dependencies: [
                "TalonCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonAgent",
            dependencies: [
                "TalonCore",
                "TalonStore",
                "TalonModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonTools",
            dependencies: [
                "TalonCore",
                "TalonStore",
                .product(name: "Metrics", package: "swift-metrics"),
                "TalonAgent",
                "TalonModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonChannels",
            dependencies: [
                "TalonCore",
                "TalonStore",
                "TalonModels",
                "TalonAgent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonMCTL",
            dependencies: [
                "TalonCore",
                "TalonMCP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonMCP",
            dependencies: [
                "TalonCore",
                "TalonModels",
                "TalonAgent",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonGateway",
            dependencies: [
                "TalonCore",
                "TalonStore",
                "TalonModels",
                "TalonAgent",
                "TalonTools",
                "TalonChannels",
                "TalonMCTL",
                "TalonMCP",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("WebChat/Assets")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "talon",
            dependencies: [
                "TalonCore",
                "TalonStore",
                "TalonGateway",
                "TalonTools",
                "TalonChannels",
                "TalonMCP",
                "TalonMCTL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TalonTestSupport",
            dependencies: [
                "TalonCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TalonTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonCoreTests",
            dependencies: ["TalonCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonStoreTests",
            dependencies: ["TalonStore", "TalonTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonModelsTests",
            dependencies: ["TalonModels", "TalonTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonAgentTests",
            dependencies: ["TalonAgent", "TalonTools", "TalonTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonToolsTests",
            dependencies: ["TalonTools", "TalonTestSupport", "TalonStore", "TalonCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonChannelsTests",
            dependencies: ["TalonChannels", "TalonTestSupport", "TalonCore", "TalonStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonMCPTests",
            dependencies: ["TalonMCP", "TalonAgent", "TalonCore", "TalonModels", "TalonStore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonMCTLTests",
            dependencies: [
                "TalonMCTL", "TalonTestSupport", "TalonCore",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TalonGatewayTests",
            dependencies: [
                "TalonGateway", "TalonTestSupport", "TalonCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
