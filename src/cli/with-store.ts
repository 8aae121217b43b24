import type { OpenedStore } from "../main.ts";
import type { CommandContext } from "./command.ts";
import { createProgress, type Progress } from "./progress.ts";
import { tryWriteAuditCheckpoint } from "./write-audit-checkpoint.ts";

/**
 * Opens the store (showing progress on stderr unless quiet), runs `work`, and always closes it.
 * Progress is cleared before `work` writes its output. Before closing, a signed checkpoint anchors
 * where the audit log now ends, if it moved (unless `anchorAudit` is false: `audit verify` inspects
 * the log and never signs what it finds).
 */
export async function withStore<T>(
  { io, services }: CommandContext,
  options: { quiet: boolean; anchorAudit?: boolean },
  work: (opened: OpenedStore, progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = createProgress(io, options.quiet);
  const opened = await services.openStore(progress.step);
  try {
    return await work(opened, progress);
  } finally {
    progress.done();
    if (options.anchorAudit !== false) await tryWriteAuditCheckpoint(services, opened);
    await opened.close();
  }
}
