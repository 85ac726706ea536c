// MigrationData: CSV reading and writing, column tables, importers for the public sources.
import Linalg
