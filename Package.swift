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
        // ncursesw plus inline wrappers for its macros and globals (the UI's only C).
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        // pipe2, pidfd_open and mallopt: C library calls the Glibc module does not import.
        .target(name: "CSystemShims"),
        .target(
            name: "ClusterProbe",
            dependencies: ["CSystemShims", .product(name: "Subprocess", package: "swift-subprocess")],
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
