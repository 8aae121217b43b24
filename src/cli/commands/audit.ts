// `lotwise audit verify | replay | export | public-key`: what compliance runs. Verify checks the
// hash chains, the global sequence and the signed checkpoints (or a signed export, offline); replay
// re-runs a conversation's tool calls on the rows they read and re-derives its plans, with no model
// and no network; export writes a signed, self-verifying JSONL file.
import { readFileSync, writeFileSync } from "node:fs";
import { TOOLS } from "../../../tools/index.ts";
import { type AuditVerifier, parsePublicKey } from "../../audit/audit-key.ts";
import type { ChainProblem } from "../../audit/chain.ts";
import { readSink } from "../../audit/checkpoint-sink.ts";
import { exportAudit, verifyExport } from "../../audit/export-audit.ts";
import { findAuditKey, loadOrCreateAuditKey } from "../../audit/load-audit-key.ts";
import { type ConversationReplay, replayConversation } from "../../audit/replay-conversation.ts";
import { type PlanReplay, replayPlan } from "../../audit/replay-plan.ts";
import {
  type AuditProblem,
  type AuditVerdict,
  verifyAuditLog,
  verifyAuditStream,
} from "../../audit/verify-audit-log.ts";
import { parseIsoDate } from "../../domain/iso-date.ts";
import type { Services } from "../../main.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";

const PAGE_SIZE = 5_000;

export const auditVerifyCommand: Command = {
  name: "audit verify",
  summary:
    "Check the audit log (chains, global sequence, signed checkpoints) or an export; report what is broken",
  usage: "lotwise audit verify [--stream <stream>] [--file <export.jsonl>] [--public-key <pem>] [--json]",
  details:
    "Every event's hash covers the previous event's hash and its own canonical content, per stream, and\n" +
    "every event has a place in one gapless global sequence. Signed checkpoints (in the database and in\n" +
    "the sink file outside it, LOTWISE_AUDIT_SINK) record where the log ended: events removed from the\n" +
    "end of a stream, or whole streams, are found against them. Plans and conversations must have\n" +
    "their stream. --file checks a signed export offline (no database). Signatures are checked with\n" +
    "LOTWISE_AUDIT_KEY (or the key under LOTWISE_HOME), or an Ed25519 public key (--public-key).\n" +
    "Exit 0: intact; 1: something is missing, reordered or edited; 2: bad command line or no key.",
  options: {
    stream: { type: "string" },
    file: { type: "string" },
    "public-key": { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    stream: "one stream only (conversation:<id>, plan:<id>)",
    file: "verify an export made by `lotwise audit export` instead of the database",
    "public-key": "check signatures with this Ed25519 public key (PEM; see `lotwise audit public-key`)",
    json: "print the verdict as JSON, with every problem",
  },
  positionals: { min: 0, max: 0 },
  actsAs: true,
  async run(context, { values }) {
    const json = Boolean(values.json);
    const publicKey = values["public-key"] as string | undefined;
    if (values.file !== undefined) {
      if (values.stream !== undefined) throw new UsageError("--stream and --file cannot be combined");
      return verifyExportFile(context, String(values.file), publicKey, json);
    }
    const verifier = verifierOf(context.services, publicKey);
    const { config } = context.services;
    const options = {
      quiet: json,
      anchorAudit: false,
      command: "audit verify",
      needs: "audit.read",
    } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      progress.step("reading the checkpoints");
      const [database, sink, recordsWithoutStream] = await Promise.all([
        opened.checkpoints.list(),
        readSink(config.audit.sink),
        opened.checkpoints.recordsWithoutStream(),
      ]);
      const checkpoints = { database, sink };
      progress.step("verifying the audit log");
      const stream = values.stream as string | undefined;
      const verdict =
        stream !== undefined
          ? verifyAuditStream(stream, await opened.audit.read(stream), checkpoints, verifier)
          : await verifyAuditLog({
              readPage: (after) => opened.audit.readPage(after, PAGE_SIZE),
              checkpoints,
              verifier,
              recordsWithoutStream,
            });
      progress.done();
      context.io.stdout.write(
        json
          ? `${JSON.stringify({ ...verdict, sink: config.audit.sink }, null, 2)}\n`
          : renderVerdict(verdict),
      );
      return verdict.ok ? 0 : 1;
    });
  },
};

function verifyExportFile(
  context: CommandContext,
  file: string,
  publicKey: string | undefined,
  json: boolean,
): number {
  const verifier = verifierOf(context.services, publicKey);
  if (!verifier) {
    throw new UsageError(
      "no key to check the export's signature: give --public-key <file>, or set LOTWISE_AUDIT_KEY",
    );
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const verdict = verifyExport(text, verifier);
  const where = verdict.problem?.stream
    ? ` (${verdict.problem.stream}${verdict.problem.seq ? ` seq ${verdict.problem.seq}` : ""})`
    : "";
  context.io.stdout.write(
    json
      ? `${JSON.stringify(verdict, null, 2)}\n`
      : verdict.ok
        ? `export verified: ${verdict.events} events in ${verdict.streams} streams, chains, digest and signature (key ${verifier.keyId}) intact\n`
        : `export BROKEN at line ${verdict.problem?.line}${where}: ${verdict.problem?.problem}\n`,
  );
  return verdict.ok ? 0 : 1;
}

/** --public-key when given, else the configured or stored key (never generated here). */
function verifierOf(services: Services, publicKeyFile: string | undefined): AuditVerifier | null {
  if (publicKeyFile === undefined) return findAuditKey(services.config.audit);
  let pem: string;
  try {
    pem = readFileSync(publicKeyFile, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --public-key ${publicKeyFile}: ${(error as Error).message}`);
  }
  const key = parsePublicKey(pem);
  if (!key.ok) throw new UsageError(`--public-key ${publicKeyFile}: ${key.error.message}`);
  return key.value;
}

function renderVerdict(verdict: AuditVerdict): string {
  if (verdict.ok) {
    const { checkpoint } = verdict;
    const anchor = checkpoint
      ? `; its end is anchored by the signed checkpoint at globalSeq ${checkpoint.globalSeq} (${checkpoint.at}, key ${checkpoint.keyId})${
          verdict.lastGlobalSeq > checkpoint.globalSeq
            ? `, ${verdict.lastGlobalSeq - checkpoint.globalSeq} later event(s) not checkpointed yet`
            : ""
        }`
      : verdict.events > 0
        ? "; no checkpoint yet: its end is not anchored"
        : "";
    const notInSink =
      verdict.checkpoints.notInSink > 0
        ? `\nnote: ${verdict.checkpoints.notInSink} checkpoint(s) in the database are not in the sink (a failed sink write?)`
        : "";
    return `audit log verified: ${verdict.events} events in ${verdict.streams} streams, every chain intact${anchor}${notInSink}\n`;
  }
  const first = verdict.problems[0] as AuditProblem;
  const where =
    first.stream !== undefined
      ? `${first.stream}${first.seq !== undefined ? ` seq ${first.seq}` : ""}`
      : first.globalSeq !== undefined
        ? `globalSeq ${first.globalSeq}`
        : first.line !== undefined
          ? `sink line ${first.line}`
          : "the checkpoints";
  return `audit log BROKEN: first at ${where} (${first.message}); ${verdict.problems.length} problem(s) in all\n`;
}

function describe(problem: ChainProblem["problem"]): string {
  return problem === "bad-hash"
    ? "the event was modified"
    : problem === "broken-link"
      ? "the link to the previous event is broken"
      : "an event is missing or out of order";
}

export const auditReplayCommand: Command = {
  name: "audit replay",
  summary: "Replay a conversation or a plan: transcript, tool calls re-run, plans re-derived byte for byte",
  usage: "lotwise audit replay (--thread <conversation id or thread key> | --plan <plan id>) [--json]",
  details:
    "Needs no model and no network: every recorded tool call runs again on the rows it read then\n" +
    "(immutable snapshots, recorded prices and transactions, model and policy versions, settings), and\n" +
    "every plan is re-derived and compared byte for byte. Differences are shown field by field.",
  options: {
    thread: { type: "string" },
    plan: { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    thread: "the conversation (its id, or its thread key such as slack:T1:C1:1700000000.000100)",
    plan: "a plan id (plan-...)",
    json: "print the replay as JSON",
  },
  positionals: { min: 0, max: 0 },
  actsAs: true,
  run(context, { values }) {
    const thread = values.thread as string | undefined;
    const planId = values.plan as string | undefined;
    if ((thread === undefined) === (planId === undefined))
      throw new UsageError("give exactly one of --thread or --plan");
    const json = Boolean(values.json);
    const options = { quiet: json, command: "audit replay", needs: "audit.read" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      progress.step("replaying");
      if (planId !== undefined) {
        const replay = await replayPlan({ store: opened.store, plans: opened.plans }, planId);
        progress.done();
        if (replay.verdict === "not-replayable" && replay.storedHash === null)
          throw new CliError(replay.message);
        context.io.stdout.write(json ? `${JSON.stringify(replay, null, 2)}\n` : renderPlanReplay(replay));
        return replay.verdict === "identical" ? 0 : 1;
      }
      const conversation = await opened.conversations.find(thread as string);
      if (!conversation) throw new CliError(`no conversation ${thread}`);
      const replay = await replayConversation(
        { audit: opened.audit, store: opened.store, plans: opened.plans, tools: TOOLS },
        `conversation:${conversation.id}`,
      );
      progress.done();
      context.io.stdout.write(
        json ? `${JSON.stringify(replay, null, 2)}\n` : renderConversationReplay(replay),
      );
      return replay.reproduced ? 0 : 1;
    });
  },
};

function renderPlanReplay(replay: PlanReplay): string {
  const lines = [`plan ${replay.planId}: ${replay.verdict.toUpperCase()}`, `  ${replay.message}`];
  if (replay.replayedHash && replay.replayedHash !== replay.storedHash) {
    lines.push(`  stored sha256   ${replay.storedHash}`, `  replayed sha256 ${replay.replayedHash}`);
  }
  for (const d of replay.differences) {
    lines.push(`  ${d.path}: recorded ${JSON.stringify(d.recorded)}, replayed ${JSON.stringify(d.replayed)}`);
  }
  return `${lines.join("\n")}\n`;
}

function renderConversationReplay(replay: ConversationReplay): string {
  const lines = [`${replay.stream}`, "", "Transcript"];
  for (const t of replay.transcript)
    lines.push(`  ${String(t.seq).padStart(4)}  ${t.at.slice(0, 19)}Z  ${t.who}: ${t.text}`);
  lines.push("", "Tool calls re-run on the rows they read");
  if (replay.tools.length === 0) lines.push("  (none)");
  for (const t of replay.tools) {
    lines.push(`  seq ${t.seq} ${t.name}: ${t.verdict.toUpperCase()} (${t.message})`);
    for (const d of t.differences) {
      lines.push(
        `      ${d.path}: recorded ${JSON.stringify(d.recorded)}, replayed ${JSON.stringify(d.replayed)}`,
      );
    }
  }
  lines.push("", "Plans re-derived");
  if (replay.plans.length === 0) lines.push("  (none)");
  for (const p of replay.plans) lines.push(renderPlanReplay(p).trimEnd().replace(/^/gm, "  "));
  lines.push(
    "",
    replay.chain.length > 0
      ? `CHAIN BROKEN at seq ${replay.chain[0]?.seq} (${describe((replay.chain[0] as ChainProblem).problem)})`
      : "chain intact",
    replay.reproduced ? "REPRODUCED: same tool outputs, byte-identical plans" : "NOT REPRODUCED: see above",
    "",
  );
  return lines.join("\n");
}

export const auditExportCommand: Command = {
  name: "audit export",
  summary: "Export audit events in a date range as signed, self-verifying JSONL (for write-once archival)",
  usage: "lotwise audit export --from YYYY-MM-DD --to YYYY-MM-DD --out <file.jsonl>",
  details:
    "Events with --from <= time < --to (UTC dates), by stream and sequence, with one anchor per stream\n" +
    "and a final digest signed with the audit key (LOTWISE_AUDIT_KEY, or the key under LOTWISE_HOME).\n" +
    "`lotwise audit verify --file <file>` checks it without the database.",
  options: { from: { type: "string" }, to: { type: "string" }, out: { type: "string" } },
  optionHelp: { from: "first day (UTC), inclusive", to: "last day (UTC), exclusive", out: "where to write" },
  positionals: { min: 0, max: 0 },
  actsAs: true,
  run(context, { values }) {
    const from = dateOption(values.from, "from");
    const to = dateOption(values.to, "to");
    if (from >= to) throw new UsageError("--from must be before --to");
    if (!values.out) throw new UsageError("--out <file.jsonl> is required");
    const { config, logger } = context.services;
    const options = { quiet: false, command: "audit export", needs: "audit.read" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const signer = loadOrCreateAuditKey(config.audit, (path) =>
        logger.warn({ path }, "LOTWISE_AUDIT_KEY is not set: generated an audit signing key"),
      );
      progress.step("reading the audit log");
      const range = { from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` };
      const events = await opened.audit.readAll(range);
      const lines = exportAudit(events, range, signer);
      writeFileSync(String(values.out), `${lines.join("\n")}\n`);
      progress.done();
      context.io.stdout.write(
        `exported ${events.length} events to ${String(values.out)}; verify with: lotwise audit verify --file ${String(values.out)}\n`,
      );
      return 0;
    });
  },
};

function dateOption(value: unknown, name: string): string {
  const date = value === undefined ? undefined : parseIsoDate(String(value));
  if (!date) throw new UsageError(`--${name} must be a date like 2026-11-20`);
  return date;
}

export const auditPublicKeyCommand: Command = {
  name: "audit public-key",
  summary: "Print the audit key's Ed25519 public key, PEM (for `audit verify --public-key`)",
  usage: "lotwise audit public-key [--out <file.pem>]",
  details:
    "The key that signs checkpoints and exports: LOTWISE_AUDIT_KEY, or the one generated under\n" +
    "LOTWISE_HOME. Anyone with the public key can check signatures without being able to sign.",
  options: { out: { type: "string" } },
  optionHelp: { out: "write the PEM public key to this file instead of stdout" },
  positionals: { min: 0, max: 0 },
  async run({ io, services }, { values }) {
    const key = findAuditKey(services.config.audit);
    if (!key) {
      throw new CliError(
        `no audit key yet: set LOTWISE_AUDIT_KEY, or run a command that writes to the audit log (it generates ${services.config.audit.keyFile})`,
      );
    }
    if (!key.publicKeyPem) {
      throw new CliError(
        `the audit key ${key.keyId} is an HMAC secret: it has no public key, verifying needs the secret itself`,
      );
    }
    if (values.out !== undefined) {
      writeFileSync(String(values.out), key.publicKeyPem);
      io.stdout.write(`wrote the public key of ${key.keyId} to ${String(values.out)}\n`);
    } else {
      io.stderr.write(`public key of ${key.keyId}:\n`);
      io.stdout.write(key.publicKeyPem);
    }
    return 0;
  },
};
