// Warnings collected while reading a file: kept in order, each said once.
import type { StatementWarning } from "../statement.ts";

export class WarningLog {
  readonly warnings: StatementWarning[] = [];
  private readonly seen = new Set<string>();

  add(line: number | null, message: string): void {
    const key = `${line}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push({ line, message });
  }

  /** Says `message` once however many lines it applies to (the first line is kept). */
  once(line: number | null, message: string): void {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    this.warnings.push({ line, message });
  }
}
