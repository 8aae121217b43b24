// Checkpoints on a real database: written only when the log moved, listing only the streams that
// changed, one at a time however many writers race; rows that must have a stream are found. On
// PostgreSQL, the least-privileged app role can append events and checkpoints but cannot edit,
// delete or truncate them, lift their triggers or replication role; a superuser connection is
// warned about once.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateAuditKey, parseAuditKey } from "../../src/audit/audit-key.ts";
import { checkpointDigest } from "../../src/audit/checkpoint.ts";
import { writeCheckpoint } from "../../src/audit/write-checkpoint.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { createPrismaAuditCheckpoints } from "../../src/db/prisma-audit-checkpoints.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaConversationStore } from "../../src/db/prisma-conversation-store.ts";
import { createServices } from "../../src/main.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, POSTGRES_URL, type TestDatabase } from "../support/test-database.ts";

const keyText = generateAuditKey();
const key = parseAuditKey(keyText);
if (!key.ok) throw new Error(key.error.message);
const signer = key.value;

describe(`audit checkpoints (${BACKEND})`, () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), "lotwise-checkpoints-"));
  const sinkPath = join(dir, "audit-checkpoints.jsonl");
  let tick = 0;
  const clock = { now: () => new Date(Date.UTC(2026, 10, 20, 20, 0, 0, tick++)) };
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());
  const deps = () => ({
    checkpoints: createPrismaAuditCheckpoints(db.prisma),
    signer: () => signer,
    sinkPath,
    clock,
  });

  it("a-checkpoint-is-written-only-when-the-log-moved, naming the streams that changed", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    expect(await writeCheckpoint(deps())).toBeNull();
    await audit.append({ stream: "conversation:x", type: "tick", actor: "system", payload: 1 });
    await audit.append({ stream: "plan:p", type: "plan.drafted", actor: "system", payload: 2 });
    const first = await writeCheckpoint(deps());
    expect(first).toMatchObject({ globalSeq: 2, eventCount: 2, prevDigest: null });
    expect(first?.heads.map((h) => h.stream)).toEqual(["conversation:x", "plan:p"]);
    expect(await writeCheckpoint(deps())).toBeNull();

    const third = await audit.append({ stream: "conversation:x", type: "tick", actor: "system", payload: 3 });
    expect(third.globalSeq).toBe(3);
    const second = await writeCheckpoint(deps());
    expect(second?.heads).toEqual([{ stream: "conversation:x", seq: 2, hash: third.hash }]);
    expect(second?.prevDigest).toBe(checkpointDigest(first as NonNullable<typeof first>));

    const stored = await createPrismaAuditCheckpoints(db.prisma).list();
    expect(stored).toEqual([first, second]);
    const sink = readFileSync(sinkPath, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(sink).toEqual([first, second]);
  });

  it("racing-writers-write-one-checkpoint", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    await audit.append({ stream: "conversation:y", type: "tick", actor: "system", payload: 4 });
    const written = await Promise.all(Array.from({ length: 4 }, () => writeCheckpoint(deps())));
    expect(written.filter((c) => c !== null)).toHaveLength(1);
    const all = await createPrismaAuditCheckpoints(db.prisma).list();
    expect(all.map((c) => c.globalSeq)).toEqual([2, 3, 4]);
  });

  it("events-read-back-with-their-global-sequence, by page", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    const all = await audit.readAll();
    expect(all.map((e) => e.globalSeq)).toEqual([1, 2, 3, 4]);
    expect((await audit.readPage(1, 2)).map((e) => e.globalSeq)).toEqual([2, 3]);
    expect((await audit.read("conversation:x")).map((e) => [e.seq, e.globalSeq])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it("a-conversation-with-messages-and-no-stream is found", async () => {
    const conversations = createPrismaConversationStore(db.prisma);
    const silent = await conversations.open("cli:silent", null);
    await conversations.open("cli:empty", null);
    await conversations.append(silent.id, [{ role: "user", content: "hello" }]);
    expect(await createPrismaAuditCheckpoints(db.prisma).recordsWithoutStream()).toEqual([
      {
        stream: `conversation:${silent.id}`,
        what: `conversation ${silent.id} has messages but no audit events`,
      },
    ]);
  });

  it("the-superuser-warning is logged once on PostgreSQL, never on PGlite", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const services = POSTGRES_URL
      ? createServices({ DATABASE_URL: db.url }, { isTty: false, logger })
      : createServices(
          {},
          {
            isTty: false,
            logger,
            database: {
              kind: "pglite-memory",
              loadDataDir: new Blob([readFileSync(inject("pgliteTemplates").migrated)]),
            },
          },
        );
    const opened = await services.openStore();
    await opened.close();
    const warnings = lines.filter((line) => line.includes("superuser"));
    expect(warnings).toHaveLength(POSTGRES_URL ? 1 : 0);
  });

  it("grant-app-role prints its SQL, refuses odd role names, and needs PostgreSQL", async () => {
    const printed = await runInProcess(["db", "grant-app-role", "lotwise_app", "--print"]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(
      'REVOKE UPDATE, DELETE, TRUNCATE ON "audit_event", "audit_checkpoint" FROM "lotwise_app";',
    );
    expect((await runInProcess(["db", "grant-app-role", 'x"; DROP TABLE plan; --'])).code).toBe(2);
    if (!POSTGRES_URL) {
      const refused = await runInProcess(["db", "grant-app-role", "lotwise_app"], { database: db });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("roles need PostgreSQL");
    }
  });

  it.skipIf(!POSTGRES_URL)(
    "the-app-role-appends-but-cannot-edit-or-lift-the-guards (PostgreSQL only: PGlite has one user, a superuser)",
    async () => {
      const own = await openTestDatabase();
      const role = `lotwise_app_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      const url = new URL(own.url as string);
      url.username = role;
      const home = mkdtempSync(join(tmpdir(), "lotwise-app-role-"));
      const env = { LOTWISE_HOME: home, LOTWISE_AUDIT_KEY: keyText };
      try {
        expect(
          (await runInProcess(["seed", "--demo", "--as-of", "2026-11-20"], { database: own, env })).code,
        ).toBe(0);
        const granted = await runInProcess(["db", "grant-app-role", role], { database: own, env });
        expect(granted.code).toBe(0);
        const app = await openDatabase({ kind: "postgres", url: url.toString() });
        try {
          expect(app.superuser).toBe(false);
          const audit = createPrismaAuditLog(app.prisma, clock);
          await audit.append({ stream: "conversation:app", type: "tick", actor: "system", payload: 5 });
          const written = await writeCheckpoint({
            ...deps(),
            checkpoints: createPrismaAuditCheckpoints(app.prisma),
            sinkPath: join(home, "audit-checkpoints.jsonl"),
          });
          expect(written?.globalSeq).toBe(1);

          const refused = (statement: string, reason: RegExp) =>
            expect(app.prisma.$executeRawUnsafe(statement)).rejects.toThrow(reason);
          for (const table of ["audit_event", "audit_checkpoint"]) {
            await refused(`UPDATE ${table} SET global_seq = global_seq`, /permission denied/);
            await refused(`DELETE FROM ${table}`, /permission denied/);
            await refused(`TRUNCATE ${table}`, /permission denied/);
            await refused(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`, /must be owner/);
          }
          await refused("SET session_replication_role = replica", /permission denied/);
        } finally {
          await app.close();
        }
        // lotwise itself runs as the role (opening checks the migrations without owning anything):
        // the assistant drafts a plan, the checkpoint is written, the log verifies.
        const asApp = { env: { ...env, DATABASE_URL: url.toString() } };
        const asked = await runInProcess(["ask", "rebalance the Chen household", "--json"], asApp);
        expect(asked.stderr).not.toContain("permission denied");
        expect(JSON.parse(asked.stdout).planIds).toHaveLength(1);
        const verified = await runInProcess(["audit", "verify"], asApp);
        expect(verified.stdout).toMatch(
          /audit log verified: \d+ events in 3 streams, every chain intact; its end is anchored/,
        );
        expect(verified.code).toBe(0);
      } finally {
        await own.close();
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
        await admin.end();
      }
    },
  );
});
