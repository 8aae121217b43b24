import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`plans and audit events are append-only (${BACKEND})`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
    await createPrismaBookStore(db.prisma).seedDemo(
      buildDemoBook({ anchorDate: isoDate("2026-11-20"), now: "2026-11-20T20:00:00.000Z" }),
    );
    await db.prisma.settingsVersion.create({ data: { id: "settings-1", values: {}, sha256: "s" } });
    await db.prisma.plan.create({
      data: {
        id: "plan-1",
        householdId: "hh-chen",
        modelVersionId: "mv-balanced-2",
        policyId: "si-policy-v1",
        settingsId: "settings-1",
        asOf: new Date("2026-11-20T20:00:00Z"),
        engineVersion: "test",
        content: { trades: [] },
        contentHash: "h1",
        expiresAt: new Date("2026-11-20T20:15:00Z"),
      },
    });
  });
  afterAll(() => db.close());

  it("lets a plan's status change", async () => {
    const plan = await db.prisma.plan.update({ where: { id: "plan-1" }, data: { status: "REJECTED" } });
    expect(plan.status).toBe("REJECTED");
  });

  it("refuses any change to a drafted plan's content, and its deletion", async () => {
    await expect(
      db.prisma.plan.update({ where: { id: "plan-1" }, data: { content: { trades: ["sneaky"] } } }),
    ).rejects.toThrow(/immutable/);
    await expect(db.prisma.plan.delete({ where: { id: "plan-1" } })).rejects.toThrow(/not allowed/);
  });

  it("refuses UPDATE, DELETE and TRUNCATE on audit events", async () => {
    await db.prisma.auditEvent.create({
      data: {
        globalSeq: 1n,
        stream: "system",
        seq: 1,
        type: "test",
        actor: "test",
        payload: {},
        prevHash: "0",
        hash: "h",
        at: new Date(),
      },
    });
    await expect(db.prisma.auditEvent.updateMany({ data: { actor: "someone else" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.prisma.auditEvent.deleteMany()).rejects.toThrow(/append-only/);
    await expect(db.withSql((sql) => sql.exec("TRUNCATE audit_event"))).rejects.toThrow(/append-only/);
  });
});
