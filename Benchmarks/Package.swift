// swift-tools-version:6.1
// Release-mode benchmarks of MigrationKit against its peers (numpy/scipy, pandas, ...).
// Run through `python3 Benchmarks/compare.py` (see BENCHMARKS.md), which builds this package in
// release mode, runs it and the peers in one run with the same BLAS kernel and thread count, and
// prints the ratios.
import PackageDescription

let package = Package(
    name: "MigrationKitBenchmarks",
    dependencies: [.package(name: "MigrationKit", path: "..")],
    targets: [
        .target(name: "BenchmarkTiming"),
        .executableTarget(
            name: "regression-bench",
            dependencies: ["BenchmarkTiming", .product(name: "MigrationKit", package: "MigrationKit")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .executableTarget(
            name: "flows-bench",
            dependencies: ["BenchmarkTiming", .product(name: "MigrationKit", package: "MigrationKit")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .executableTarget(
            name: "cohort-bench",
            dependencies: [.product(name: "MigrationKit", package: "MigrationKit")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .executableTarget(
            name: "csv-bench",
            dependencies: ["BenchmarkTiming", .product(name: "MigrationKit", package: "MigrationKit")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .executableTarget(
            name: "linalg-bench",
            dependencies: ["BenchmarkTiming", .product(name: "MigrationKit", package: "MigrationKit")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ]
)
