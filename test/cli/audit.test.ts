// Compliance on a real database: a conversation from the demo flow replays with the same tool
// outputs and a byte-identical plan, even after prices and positions move on; tampering with the
// log (update, delete, reorder) or with an export is detected and located.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`lotwise audit (${BACKEND})`, () => {
  let db: TestDatabase;
  let planId = "";
  const dir = mkdtempSync(join(tmpdir(), "lotwise-audit-"));
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], at = clock) => runInProcess(argv, { database: db, clock: at });
  const sql = (text: string) => db.prisma.$executeRawUnsafe(text);

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
    const answer = JSON.parse(
      (await run(["ask", "rebalance the Chen household", "--thread", "cli:audit-1", "--json"])).stdout,
    );
    planId = answer.planIds[0];
  });
  afterAll(() => db.close());

  it("replay-of-the-demo-conversation-reproduces-its-plan-byte-for-byte", async () => {
    const result = await run(["audit", "replay", "--thread", "cli:audit-1", "--json"]);
    expect(result.code).toBe(0);
    const replay = JSON.parse(result.stdout);
    expect(replay.reproduced).toBe(true);
    expect(replay.tools.map((t: { name: string; verdict: string }) => `${t.name} ${t.verdict}`)).toEqual(
      expect.arrayContaining(["get_positions same", "compute_drift same", "draft_trades same"]),
    );
    expect(replay.plans).toEqual([expect.objectContaining({ planId, verdict: "identical" })]);
    const text = await run(["audit", "replay", "--thread", "cli:audit-1"]);
    // Who asked: the local operator (operator:<os user>), or a lotwise user given with --as.
    expect(text.stdout).toMatch(/ (operator|user):[^:\s]+: rebalance the Chen household\n/);
    expect(text.stdout).toContain("REPRODUCED: same tool outputs, byte-identical plans");
  });

  it("replay-after-prices-and-positions-move-still-reproduces-the-original", async () => {
    await sql(
      `INSERT INTO price (id, security_id, as_of, price, kind, source) VALUES ('vti-later', 'sec-vti', '2026-11-21T15:00:00Z', 290, 'QUOTE', 'demo-feed')`,
    );
    const later = { now: () => new Date("2026-11-21T15:00:30.000Z") };
    const today = JSON.parse((await run(["plan", "chen", "--json"], later)).stdout);
    expect(today.plan.trades.find((t: { symbol: string }) => t.symbol === "VTI")?.price).toBe("290");
    const result = await run(["audit", "replay", "--plan", planId], later);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`plan ${planId}: IDENTICAL`);
    const thread = JSON.parse(
      (await run(["audit", "replay", "--thread", "cli:audit-1", "--json"], later)).stdout,
    );
    expect(thread.reproduced).toBe(true);
  });

  it("verify-passes-on-the-untouched-log", async () => {
    const result = await run(["audit", "verify"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audit log verified: \d+ events in \d+ streams, every chain intact/);
  });

  it("an-export-verifies-offline, and any edit to it is caught", async () => {
    const out = join(dir, "audit.jsonl");
    const exported = await run([
      "audit",
      "export",
      "--from",
      "2026-11-20",
      "--to",
      "2026-11-22",
      "--out",
      out,
    ]);
    expect(exported.code).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(JSON.parse(lines[0] as string).format).toBe("lotwise.audit-export/v2");
    // No database needed to check it.
    const verified = await runInProcess(["audit", "verify", "--file", out]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(
      /export verified: \d+ events in \d+ streams, chains, digest and signature \(key ed25519:[0-9a-f]{16}\) intact/,
    );
    const edited = lines.map((line) =>
      line.replace("rebalance the Chen household", "rebalance the Chen household now"),
    );
    writeFileSync(out, `${edited.join("\n")}\n`);
    const broken = await runInProcess(["audit", "verify", "--file", out]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("the digest does not match the lines before it: the file was edited");
  });

  it("the-table-refuses-edits; with the trigger forced off, an edit, a deletion and a reorder are each found", async () => {
    await expect(sql(`UPDATE audit_event SET actor = 'x'`)).rejects.toThrow(/append-only/);
    const stream = (await db.prisma.auditEvent.findFirstOrThrow({ where: { type: "fallback.reply" } }))
      .stream;
    await sql(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    try {
      await sql(
        `UPDATE audit_event SET payload = '{"text":"all approved"}' WHERE stream = '${stream}' AND type = 'fallback.reply'`,
      );
      const edited = await run(["audit", "verify", "--json"]);
      expect(edited.code).toBe(1);
      expect(JSON.parse(edited.stdout).problems[0]).toMatchObject({ stream, problem: "bad-hash" });
    } finally {
      await sql(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    }
  });

  it("a-deleted-or-reordered-event-is-located", async () => {
    await run(["ask", "rebalance the Okafor household", "--thread", "cli:audit-2"]);
    const conversation = await db.prisma.conversation.findUniqueOrThrow({
      where: { threadKey: "cli:audit-2" },
    });
    const stream = `conversation:${conversation.id}`;
    await sql(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    try {
      // Swap events 2 and 3 (through a free sequence number: (stream, seq) is unique).
      await sql(`UPDATE audit_event SET seq = -2 WHERE stream = '${stream}' AND seq = 2`);
      await sql(`UPDATE audit_event SET seq = 2 WHERE stream = '${stream}' AND seq = 3`);
      await sql(`UPDATE audit_event SET seq = 3 WHERE stream = '${stream}' AND seq = -2`);
      const reordered = await run(["audit", "verify", "--stream", stream]);
      expect(reordered.code).toBe(1);
      expect(reordered.stdout).toContain(`first at ${stream} seq`);
      await sql(`DELETE FROM audit_event WHERE stream = '${stream}' AND seq = 4`);
      const deleted = JSON.parse((await run(["audit", "verify", "--stream", stream, "--json"])).stdout);
      expect(deleted.problems.map((p: { problem: string }) => p.problem)).toContain("gap");
    } finally {
      await sql(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    }
  });

  it("bad invocations are one-line errors", async () => {
    expect((await run(["audit", "replay"])).code).toBe(2);
    expect((await run(["audit", "replay", "--thread", "nope"])).stderr).toContain("no conversation nope");
    expect(
      (await run(["audit", "export", "--from", "2026-11-21", "--to", "2026-11-20", "--out", "x"])).code,
    ).toBe(2);
  });
});
