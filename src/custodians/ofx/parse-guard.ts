// Makes a parser total: an ImportFailure (a refusal with line and field) becomes the Result's
// error, and so does anything unexpected, so a bad file can never crash an import or half-land.
import { err, type Result } from "../../domain/result.ts";
import { catchImportFailure } from "../normalise.ts";
import type { ImportError, Statement } from "../statement.ts";

export function parseTotally(read: () => Statement): Result<Statement, ImportError> {
  try {
    return catchImportFailure(read);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return err({
      line: null,
      field: null,
      message: `the file could not be read (importer fault: ${detail})`,
    });
  }
}
