import type { OpenedStore } from "../main.ts";
import type { CommandContext } from "./command.ts";
import { createProgress, type Progress } from "./progress.ts";

/**
 * Opens the store (showing progress on stderr unless quiet), runs `work`, and always closes it.
 * Progress is cleared before `work` writes its output.
 */
export async function withStore<T>(
  { io, services }: CommandContext,
  options: { quiet: boolean },
  work: (opened: OpenedStore, progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = createProgress(io, options.quiet);
  const opened = await services.openStore(progress.step);
  try {
    return await work(opened, progress);
  } finally {
    progress.done();
    await opened.close();
  }
}
