// Progress for slow steps, on stderr so stdout stays clean for --json. In a terminal each step
// replaces the last; elsewhere each is a line.
import type { CliIo } from "./command.ts";

export interface Progress {
  step(label: string): void;
  done(): void;
}

export function createProgress(io: CliIo, quiet = false): Progress {
  if (quiet) return { step() {}, done() {} };
  let shown = false;
  return {
    step(label) {
      if (io.stderrIsTty) {
        io.stderr.write(`\r\x1b[2K… ${label}`);
        shown = true;
      } else {
        io.stderr.write(`… ${label}\n`);
      }
    },
    done() {
      if (shown) io.stderr.write("\r\x1b[2K");
      shown = false;
    },
  };
}
