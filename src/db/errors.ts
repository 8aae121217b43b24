// Database failures the user can act on; kept apart so front ends can recognise them without
// loading the database client.
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

export class MigrationError extends Error {
  override name = "MigrationError";
}
