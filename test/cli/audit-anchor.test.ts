// The audit log's end is anchored: each command that appends writes a signed checkpoint to the
// database and to the sink file outside it, and `lotwise audit verify` finds what a superuser with
// the triggers off can do to the rows: the tail of a conversation removed, a whole plan stream
// removed, two events swapped, a payload edited, a checkpoint forged or deleted. Each is reported
// with exit 1; put back, the log verifies again. Exports are signed: recomputing the plain digest
// of an edited export is caught.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

interface Problem {
  problem: string;
  stream?: string;
  seq?: number;
  globalSeq?: number;
  source?: string;
  message: string;
}

describe(`lotwise audit verify against signed checkpoints (${BACKEND})`, () => {
  let db: TestDatabase;
  const home = mkdtempSync(join(tmpdir(), "lotwise-anchor-"));
  const env = { LOTWISE_HOME: home };
  const sink = join(home, "audit-checkpoints.jsonl");
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
    runInProcess(argv, { database: db, clock, env: options.env ?? env });
  const sql = (text: string) => db.prisma.$executeRawUnsafe(text);
  const verifyJson = async () => {
    const result = await run(["audit", "verify", "--json"]);
    return { code: result.code, verdict: JSON.parse(result.stdout) as { ok: boolean; problems: Problem[] } };
  };
  let chenStream = "";
  let alvarezPlan = "";

  /** Runs `statements` as a superuser with the append-only trigger lifted, then puts it back. */
  async function tamper(statements: string[], table = "audit_event"): Promise<void> {
    await sql(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    try {
      for (const statement of statements) await sql(statement);
    } finally {
      await sql(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    }
  }
  /** Removes rows, keeping them aside in `tamper_saved` to be put back by `restore`. */
  const removeRows = (where: string, table = "audit_event") =>
    tamper(
      [
        `CREATE TABLE tamper_saved AS SELECT * FROM ${table} WHERE ${where}`,
        `DELETE FROM ${table} WHERE ${where}`,
      ],
      table,
    );
  const restore = async (table = "audit_event") => {
    await sql(`INSERT INTO ${table} SELECT * FROM tamper_saved`);
    await sql("DROP TABLE tamper_saved");
  };
  const lastSeq = async (stream: string) =>
    (await db.prisma.auditEvent.findFirstOrThrow({ where: { stream }, orderBy: { seq: "desc" } })).seq;

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
    await run(["ask", "rebalance the Chen household", "--thread", "cli:anchor-chen"]);
    const alvarez = JSON.parse(
      (await run(["ask", "rebalance the Alvarez household", "--thread", "cli:anchor-alvarez", "--json"]))
        .stdout,
    );
    alvarezPlan = alvarez.planIds[0];
    const chen = await db.prisma.conversation.findUniqueOrThrow({ where: { threadKey: "cli:anchor-chen" } });
    chenStream = `conversation:${chen.id}`;
  });
  afterAll(() => db.close());

  it("each-command-that-appends-leaves-a-signed-checkpoint in the database and the sink, and the key is private", async () => {
    const top = await db.prisma.auditEvent.aggregate({ _max: { globalSeq: true } });
    const checkpoints = await db.prisma.auditCheckpoint.findMany({ orderBy: { globalSeq: "asc" } });
    expect(checkpoints.length).toBe(2);
    expect(checkpoints.at(-1)?.globalSeq).toBe(top._max.globalSeq);
    expect(checkpoints.at(-1)?.eventCount).toBe(top._max.globalSeq);
    // The second one lists only the streams the second request touched.
    const heads = checkpoints[1]?.heads as { stream: string }[];
    expect(heads.map((h) => h.stream)).not.toContain(chenStream);
    expect(heads.map((h) => h.stream)).toContain(`plan:${alvarezPlan}`);
    const lines = readFileSync(sink, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line).globalSeq)).toEqual(
      checkpoints.map((c) => Number(c.globalSeq)),
    );
    expect(statSync(join(home, "audit-key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, "audit-key"), "utf8")).toMatch(/^ed25519:/);

    // A command that appends nothing writes no checkpoint.
    await run(["households", "--json"]);
    expect(await db.prisma.auditCheckpoint.count()).toBe(2);
  });

  it("an-intact-log-verifies with its end anchored", async () => {
    const result = await run(["audit", "verify"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /audit log verified: \d+ events in \d+ streams, every chain intact; its end is anchored by the signed checkpoint at globalSeq \d+/,
    );
  });

  it("deleting-the-last-event-of-a-conversation is reported", async () => {
    const seq = await lastSeq(chenStream);
    await removeRows(`stream = '${chenStream}' AND seq = ${seq}`);
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toContainEqual(
        expect.objectContaining({ problem: "head-mismatch", stream: chenStream, seq }),
      );
      expect(verdict.problems.map((p) => p.problem)).toContain("global-gap");
      const text = await run(["audit", "verify"]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^audit log BROKEN: first at .+; \d+ problem\(s\) in all\n$/);
    } finally {
      await restore();
    }
    expect((await run(["audit", "verify"])).code).toBe(0);
  });

  it("deleting-the-last-event-of-the-whole-log (a plan's only event) is reported, though nothing after it is missing", async () => {
    const stream = `plan:${alvarezPlan}`;
    const top = await db.prisma.auditEvent.aggregate({ _max: { globalSeq: true } });
    const last = await db.prisma.auditEvent.findFirstOrThrow({
      where: { globalSeq: top._max.globalSeq ?? 0n },
    });
    expect(last.stream).toBe(stream);
    await removeRows(`stream = '${stream}'`);
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      const problems = verdict.problems.map((p) => `${p.problem} ${p.stream ?? ""}`.trim());
      expect(problems).toEqual(
        expect.arrayContaining(["truncated", `head-mismatch ${stream}`, `missing-stream ${stream}`]),
      );
      expect(problems).not.toContain("global-gap");
    } finally {
      await restore();
    }
  });

  it("deleting-a-whole-plan-stream in the middle of the log is reported", async () => {
    const chenPlan = await db.prisma.plan.findFirstOrThrow({ where: { householdId: "hh-chen" } });
    const stream = `plan:${chenPlan.id}`;
    await removeRows(`stream = '${stream}'`);
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toContainEqual(
        expect.objectContaining({
          problem: "missing-stream",
          stream,
          message: `plan ${chenPlan.id} has no plan.drafted event`,
        }),
      );
      expect(verdict.problems.map((p) => p.problem)).toEqual(
        expect.arrayContaining(["global-gap", "count-mismatch", "head-mismatch"]),
      );
    } finally {
      await restore();
    }
  });

  it("a-reordered-pair-of-events is reported", async () => {
    const [a, b] = await db.prisma.auditEvent.findMany({
      where: { stream: chenStream, seq: { in: [2, 3] } },
      orderBy: { seq: "asc" },
    });
    const swap = (x: bigint, y: bigint) => [
      `UPDATE audit_event SET global_seq = -1 WHERE global_seq = ${x}`,
      `UPDATE audit_event SET global_seq = ${x} WHERE global_seq = ${y}`,
      `UPDATE audit_event SET global_seq = ${y} WHERE global_seq = -1`,
    ];
    const [x, y] = [a?.globalSeq ?? 0n, b?.globalSeq ?? 0n];
    await tamper(swap(x, y));
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toContainEqual(
        expect.objectContaining({
          problem: "out-of-order",
          stream: chenStream,
          seq: 2,
          globalSeq: Number(y),
        }),
      );
    } finally {
      await tamper(swap(x, y));
    }
    expect((await run(["audit", "verify"])).code).toBe(0);
  });

  it("an-edited-payload is reported", async () => {
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { stream: chenStream, seq: 1 } });
    await tamper([
      "CREATE TABLE tamper_payload AS SELECT global_seq, payload FROM audit_event",
      `UPDATE audit_event SET payload = '{"text":"sell everything"}' WHERE global_seq = ${event.globalSeq}`,
    ]);
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toEqual([
        expect.objectContaining({ problem: "bad-hash", stream: chenStream, seq: 1 }),
      ]);
    } finally {
      await tamper([
        `UPDATE audit_event e SET payload = t.payload FROM tamper_payload t WHERE e.global_seq = t.global_seq AND e.global_seq = ${event.globalSeq}`,
        "DROP TABLE tamper_payload",
      ]);
    }
    expect((await run(["audit", "verify"])).code).toBe(0);
  });

  it("a-forged-checkpoint (bad signature) is reported", async () => {
    // A shorter log's checkpoint, written by someone without the key: the latest one with a smaller count.
    await sql(
      `INSERT INTO audit_checkpoint (global_seq, event_count, heads_digest, heads, prev_digest, algorithm, key_id, signature, at)
       SELECT global_seq, event_count - 1, heads_digest, heads, prev_digest, algorithm, key_id, signature, at
       FROM audit_checkpoint ORDER BY global_seq DESC LIMIT 1`,
    );
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toContainEqual(
        expect.objectContaining({ problem: "checkpoint-forged", source: "database" }),
      );
    } finally {
      await tamper(
        ["DELETE FROM audit_checkpoint WHERE id = (SELECT max(id) FROM audit_checkpoint)"],
        "audit_checkpoint",
      );
    }
  });

  it("a-checkpoint-deleted-from-the-database is found in the sink", async () => {
    await removeRows("global_seq = (SELECT max(global_seq) FROM audit_checkpoint)", "audit_checkpoint");
    try {
      const { code, verdict } = await verifyJson();
      expect(code).toBe(1);
      expect(verdict.problems).toContainEqual(expect.objectContaining({ problem: "checkpoint-missing" }));
    } finally {
      await restore("audit_checkpoint");
    }
    expect((await run(["audit", "verify"])).code).toBe(0);
  });

  it("an-edited-export-with-a-recomputed-digest is reported; the public key verifies the untouched one", async () => {
    const out = join(home, "export.jsonl");
    expect(
      (await run(["audit", "export", "--from", "2026-11-20", "--to", "2026-11-21", "--out", out])).code,
    ).toBe(0);
    const pem = join(home, "audit-public.pem");
    expect((await run(["audit", "public-key", "--out", pem])).code).toBe(0);
    // Offline, with only the public key (no LOTWISE_HOME key).
    const elsewhere = { LOTWISE_HOME: mkdtempSync(join(tmpdir(), "lotwise-elsewhere-")) };
    const intact = await runInProcess(["audit", "verify", "--file", out, "--public-key", pem], {
      env: elsewhere,
    });
    expect(intact.code).toBe(0);

    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    const body = lines
      .slice(0, -1)
      .map((line) => line.replace("rebalance the Chen household", "sell the Chen household"));
    const final = JSON.parse(lines.at(-1) as string);
    final.digest = createHash("sha256").update(body.join("\n")).digest("hex");
    writeFileSync(out, `${[...body, JSON.stringify(final)].join("\n")}\n`);
    const edited = await runInProcess(["audit", "verify", "--file", out, "--public-key", pem], {
      env: elsewhere,
    });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain("the signature does not match the digest");

    delete final.signature;
    writeFileSync(out, `${[...body, JSON.stringify(final)].join("\n")}\n`);
    const unsigned = await run(["audit", "verify", "--file", out]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toContain("the export is not signed");

    const noKey = await runInProcess(["audit", "verify", "--file", out], { env: elsewhere });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("no key to check the export's signature");
  });

  it("usage-errors-exit-2 and a bad LOTWISE_AUDIT_KEY stops lotwise naming the variable", async () => {
    expect((await run(["audit", "verify", "--stream", "x", "--file", "y"])).code).toBe(2);
    const missingKey = await run(["audit", "verify", "--public-key", join(home, "nope.pem")]);
    expect(missingKey.code).toBe(2);
    expect(missingKey.stderr).toContain("cannot read --public-key");
    const bad = await run(["audit", "verify"], { env: { ...env, LOTWISE_AUDIT_KEY: "hmac:abc123" } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("LOTWISE_AUDIT_KEY: must be");
    expect(bad.stderr).not.toContain("abc123");
  });

  it("checkpoints-signed-with-another-key cannot vouch for the log", async () => {
    const other = { ...env, LOTWISE_AUDIT_KEY: `hmac:${"ab".repeat(32)}` };
    const { code, stdout } = await run(["audit", "verify", "--json"], { env: other });
    expect(code).toBe(1);
    expect((JSON.parse(stdout).problems as Problem[]).map((p) => p.problem)).toContain(
      "checkpoint-other-key",
    );
    expect(existsSync(sink)).toBe(true);
  });
});
