// The CLI's side of audit checkpoints: after every command on the store, and while serving, sign
// where the log ends (only when it moved), with the configured key or the one kept under
// LOTWISE_HOME (generated, and announced, the first time).
import { loadOrCreateAuditKey } from "../audit/load-audit-key.ts";
import { writeCheckpoint } from "../audit/write-checkpoint.ts";
import type { OpenedStore, Services } from "../main.ts";

export async function writeAuditCheckpoint(services: Services, opened: OpenedStore): Promise<void> {
  const { config, logger, clock } = services;
  const written = await writeCheckpoint({
    checkpoints: opened.checkpoints,
    signer: () =>
      loadOrCreateAuditKey(config.audit, (path) =>
        logger.warn(
          { path },
          "LOTWISE_AUDIT_KEY is not set: generated an audit signing key (keep it safe; anyone holding it can sign checkpoints)",
        ),
      ),
    sinkPath: config.audit.sink,
    clock,
  });
  if (written)
    logger.debug({ globalSeq: written.globalSeq, sink: config.audit.sink }, "audit checkpoint written");
}

/** Like `writeAuditCheckpoint`, but a failure is logged rather than thrown. */
export async function tryWriteAuditCheckpoint(services: Services, opened: OpenedStore): Promise<void> {
  try {
    await writeAuditCheckpoint(services, opened);
  } catch (error) {
    services.logger.error({ err: error }, "could not write the audit checkpoint");
  }
}
