// Writes the next signed checkpoint when the log has moved past the latest one: to the database,
// then to the sink outside it. A no-op (one cheap query) when nothing was appended since.
import type { AuditCheckpoint, AuditCheckpointStore } from "../ports/audit-log.ts";
import type { Clock } from "../ports/clock.ts";
import type { AuditSigner } from "./audit-key.ts";
import { signCheckpoint } from "./checkpoint.ts";
import { appendToSink } from "./checkpoint-sink.ts";

export interface CheckpointDeps {
  checkpoints: AuditCheckpointStore;
  /** Called only when a checkpoint is due (it may generate the key). */
  signer: () => AuditSigner;
  sinkPath: string;
  clock: Clock;
}

export async function writeCheckpoint(deps: CheckpointDeps): Promise<AuditCheckpoint | null> {
  const { logGlobalSeq, checkpointGlobalSeq } = await deps.checkpoints.progress();
  if (logGlobalSeq <= checkpointGlobalSeq) return null;
  const signer = deps.signer();
  const written = await deps.checkpoints.append((state) =>
    signCheckpoint(state, signer, deps.clock.now().toISOString()),
  );
  if (written) appendToSink(deps.sinkPath, written);
  return written;
}

/** Runs `write` every `intervalMs` (never two at once); `stop` waits for a running one. */
export function startCheckpointTimer(
  write: () => Promise<unknown>,
  onError: (error: unknown) => void,
  intervalMs = 60_000,
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = write()
      .then(
        () => {},
        (error: unknown) => onError(error),
      )
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
