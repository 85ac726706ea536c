import Testing
@testable import MigrationData
