// swift-tools-version:6.1
//
// MigrationKit: migration and forced-displacement modelling on a BLAS/LAPACK core.
// Layers (see ../shared/STYLE.md): CLAPACK, CXLSXWriter (C shims) → Linalg → MigrationData → MigrationModels
// → MigrationScenarios → MigrationReports → MigrationKit (umbrella) → migkit (CLI).
import PackageDescription
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Release builds of `migkit` link LAPACKE's static archive where Debian/Ubuntu's
/// `liblapacke-dev` installs it (x86-64): Support/static-lapacke holds a linker script named
/// liblapacke.so that points `-llapacke` at it. A run then does not load the shared LAPACKE and
/// the reference LAPACK, BLAS and test-matrix libraries it brings (≈ 1 ms of every start).
let staticLapackeFlags: [String] = FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/liblapacke.a")
    ? ["-L" + Context.packageDirectory + "/Support/static-lapacke"] : []

let package = Package(
    name: "MigrationKit",
    products: [
        .library(name: "MigrationKit", targets: ["MigrationKit"]),
        .executable(name: "migkit", targets: ["migkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C shim: CBLAS (OpenBLAS) + LAPACKE. Debian: libopenblas-dev liblapacke-dev.
        .systemLibrary(
            name: "CLAPACK",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "Linalg",
            dependencies: [
                "CLAPACK",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // C shim: libxlsxwriter, for workbooks (--format xlsx). Debian: libxlsxwriter-dev.
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .target(
            name: "MigrationData",
            dependencies: ["Linalg", "CXLSXWriter"]
        ),
        .target(
            name: "MigrationModels",
            dependencies: ["Linalg", "MigrationData"]
        ),
        .target(
            name: "MigrationScenarios",
            dependencies: [
                "Linalg", "MigrationData", "MigrationModels",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "MigrationReports",
            dependencies: ["Linalg", "MigrationData", "MigrationModels", "MigrationScenarios"]
        ),
        .target(
            name: "MigrationKit",
            dependencies: ["Linalg", "MigrationData", "MigrationModels", "MigrationScenarios", "MigrationReports"],
            exclude: ["PUBLIC_API.txt"]   // the public API list (scripts/public-api), not a source
        ),
        .executableTarget(
            name: "migkit",
            dependencies: [
                "MigrationKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds link the Swift runtime, standard library and Foundation statically:
            // a run then maps and relocates a dozen fewer shared libraries (start-up 12 → 8 ms
            // CPU; see BENCHMARKS.md, "Fourth pass"). The modules were compiled against the
            // shared Foundation, whose libraries link the parts the static one lists separately
            // (CoreFoundation, ICU and the shims): named here. Debug builds (tests, CI) stay dynamic.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                                           "-l_FoundationCollections", "-lswiftSynchronization"] + staticLapackeFlags,
                                          .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(
            name: "LinalgTests",
            dependencies: ["Linalg"]
        ),
        .testTarget(
            name: "MigrationDataTests",
            dependencies: ["MigrationData"]
        ),
        .testTarget(
            name: "MigrationModelsTests",
            dependencies: ["MigrationModels", "MigrationData", "Linalg"]
        ),
        .testTarget(
            name: "MigrationScenariosTests",
            dependencies: ["MigrationScenarios"]
        ),
        .testTarget(
            name: "MigrationReportsTests",
            dependencies: ["MigrationReports", "MigrationData"]
        ),
        .testTarget(
            name: "MigkitCLITests",
            dependencies: ["migkit"]
        ),
    ]
)
