// MigrationKit: the umbrella module research code imports. It re-exports the public API of
// every layer (linear algebra, data, and — as they land — models, scenarios and reports).
@_exported import Linalg
@_exported import MigrationData
@_exported import MigrationModels
@_exported import MigrationScenarios
@_exported import MigrationReports

/// The semantic version shared by the package and `migkit --version`.
public let migrationKitVersion = "0.1.0"
