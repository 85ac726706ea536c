// swift-tools-version:6.1
// A small package that embeds MigrationKit the way research code does: it depends on the
// library by path and runs a complete analysis on the shipped data/.
// Run from the repository root: swift run --package-path Examples displacement-analysis
// (or gravity-tutorial, the DocC tutorial's program)
import PackageDescription

let package = Package(
    name: "MigrationKitExamples",
    dependencies: [.package(name: "MigrationKit", path: "..")],
    targets: [
        .executableTarget(
            name: "displacement-analysis",
            dependencies: [.product(name: "MigrationKit", package: "MigrationKit")]
        ),
        // The final step of the DocC tutorial (Sources/MigrationKit/MigrationKit.docc/Resources/
        // gravity-05.swift; scripts/check-docs checks that the two files are equal).
        .executableTarget(
            name: "gravity-tutorial",
            dependencies: [.product(name: "MigrationKit", package: "MigrationKit")]
        ),
    ]
)
