// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "devtui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "devtui", targets: ["DevTUI"]),
        .library(name: "ClusterProbe", targets: ["ClusterProbe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Traits off: the SubprocessFoundation trait would pull in full Foundation (~8 MB more RSS).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
    ],
    targets: [
        // The only C in the package: ncursesw plus inline wrappers for its macros and globals.
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        .target(
            name: "ClusterProbe",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "DevTUI",
            dependencies: [
                "ClusterProbe",
                "CNCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ClusterProbeTests",
            dependencies: ["ClusterProbe"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DevTUITests",
            dependencies: ["DevTUI", "ClusterProbe"],
            exclude: ["Golden"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
