// `lotwise audit verify | replay | export`: what compliance runs. Verify checks the hash chains (or
// an exported file, offline); replay re-runs a conversation's tool calls on the rows they read and
// re-derives its plans, with no model and no network; export writes a self-verifying JSONL file.
import { readFileSync, writeFileSync } from "node:fs";
import { TOOLS } from "../../../tools/index.ts";
import { type ChainProblem, verifyChain } from "../../audit/chain.ts";
import { exportAudit, verifyExport } from "../../audit/export-audit.ts";
import { type ConversationReplay, replayConversation } from "../../audit/replay-conversation.ts";
import { type PlanReplay, replayPlan } from "../../audit/replay-plan.ts";
import { parseIsoDate } from "../../domain/iso-date.ts";
import type { AuditEvent } from "../../ports/audit-log.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { withStore } from "../with-store.ts";

export const auditVerifyCommand: Command = {
  name: "audit verify",
  summary: "Check the audit log's hash chains (or an exported file) and report the first broken link",
  usage: "lotwise audit verify [--stream <stream>] [--file <export.jsonl>] [--json]",
  details:
    "Every event's hash covers the previous event's hash and its own canonical content, per stream. An\n" +
    "edited, deleted or reordered event breaks the chain from that point. --file checks an export\n" +
    "offline (no database): its anchors also catch events removed at the end of a stream.",
  options: {
    stream: { type: "string" },
    file: { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    stream: "one stream only (conversation:<id>, plan:<id>)",
    file: "verify an export made by `lotwise audit export` instead of the database",
    json: "print the verdict as JSON",
  },
  positionals: { min: 0, max: 0 },
  async run(context, { values }) {
    const json = Boolean(values.json);
    if (values.file !== undefined) {
      let text: string;
      try {
        text = readFileSync(String(values.file), "utf8");
      } catch (error) {
        throw new CliError(`cannot read ${String(values.file)}: ${(error as Error).message}`);
      }
      const verdict = verifyExport(text);
      context.io.stdout.write(
        json
          ? `${JSON.stringify(verdict, null, 2)}\n`
          : verdict.ok
            ? `export verified: ${verdict.events} events in ${verdict.streams} streams, chains and digest intact\n`
            : `export BROKEN at line ${verdict.problem?.line}${verdict.problem?.stream ? ` (${verdict.problem.stream}${verdict.problem.seq ? ` seq ${verdict.problem.seq}` : ""})` : ""}: ${verdict.problem?.problem}\n`,
      );
      return verdict.ok ? 0 : 1;
    }
    return withStore(context, { quiet: json }, async (opened, progress) => {
      progress.step("reading the audit log");
      const events = values.stream
        ? await opened.audit.read(String(values.stream))
        : await opened.audit.readAll();
      progress.done();
      const problems = verifyStreams(events);
      const streams = new Set(events.map((e) => e.stream)).size;
      if (json) {
        context.io.stdout.write(
          `${JSON.stringify({ ok: problems.length === 0, events: events.length, streams, problems }, null, 2)}\n`,
        );
      } else if (problems.length === 0) {
        context.io.stdout.write(
          `audit log verified: ${events.length} events in ${streams} streams, every chain intact\n`,
        );
      } else {
        const first = problems[0] as { stream: string } & ChainProblem;
        context.io.stdout.write(
          `audit log BROKEN: first at ${first.stream} seq ${first.seq} (${describe(first.problem)}); ${problems.length} problem(s) in all\n`,
        );
      }
      return problems.length === 0 ? 0 : 1;
    });
  },
};

function verifyStreams(events: readonly AuditEvent[]): ({ stream: string } & ChainProblem)[] {
  const byStream = new Map<string, AuditEvent[]>();
  for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
  return [...byStream].flatMap(([stream, list]) => verifyChain(list).map((p) => ({ stream, ...p })));
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
  run(context, { values }) {
    const thread = values.thread as string | undefined;
    const planId = values.plan as string | undefined;
    if ((thread === undefined) === (planId === undefined))
      throw new UsageError("give exactly one of --thread or --plan");
    const json = Boolean(values.json);
    return withStore(context, { quiet: json }, async (opened, progress) => {
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
  summary: "Export audit events in a date range as self-verifying JSONL (for write-once archival)",
  usage: "lotwise audit export --from YYYY-MM-DD --to YYYY-MM-DD --out <file.jsonl>",
  details:
    "Events with --from <= time < --to (UTC dates), by stream and sequence, with one anchor per stream\n" +
    "and a final digest. `lotwise audit verify --file <file>` checks it without the database.",
  options: { from: { type: "string" }, to: { type: "string" }, out: { type: "string" } },
  optionHelp: { from: "first day (UTC), inclusive", to: "last day (UTC), exclusive", out: "where to write" },
  positionals: { min: 0, max: 0 },
  run(context, { values }) {
    const from = dateOption(values.from, "from");
    const to = dateOption(values.to, "to");
    if (from >= to) throw new UsageError("--from must be before --to");
    if (!values.out) throw new UsageError("--out <file.jsonl> is required");
    return withStore(context, { quiet: false }, async (opened, progress) => {
      progress.step("reading the audit log");
      const range = { from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` };
      const events = await opened.audit.readAll(range);
      const lines = exportAudit(events, range);
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
