// The audit log on a real database: one hash chain per stream, verifiable after reading back from
// jsonb (which reorders keys), concurrent appends that extend rather than fork the chain, and rows
// the database refuses to edit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/audit/chain.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaConversationStore } from "../../src/db/prisma-conversation-store.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`audit log and conversations (${BACKEND})`, () => {
  let db: TestDatabase;
  let tick = 0;
  const clock = { now: () => new Date(Date.UTC(2026, 10, 20, 20, 0, 0, tick++)) };
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it("events-form-a-verifiable-chain per stream, whatever order jsonb keeps the keys in", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    await audit.append({
      stream: "conversation:a",
      type: "message.received",
      actor: "user:u1",
      payload: { zeta: 1, alpha: { b: "2", a: [1, "x"] } },
    });
    await audit.append({
      stream: "conversation:b",
      type: "message.received",
      actor: "user:u2",
      payload: "other stream",
    });
    await audit.append({
      stream: "conversation:a",
      type: "tool.call",
      actor: "assistant",
      payload: { name: "compute_drift", input: { householdId: "hh-chen" } },
    });
    const events = await audit.read("conversation:a");
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "message.received"],
      [2, "tool.call"],
    ]);
    expect(events[1]?.prevHash).toBe(events[0]?.hash);
    expect(verifyChain(events)).toEqual([]);
  });

  it("a-tampered-event-breaks-the-chain (verified in memory; the table itself refuses edits)", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    const events = await audit.read("conversation:a");
    const tampered = events.map((e, i) => (i === 0 ? { ...e, payload: { zeta: 2 } } : e));
    expect(verifyChain(tampered)).toEqual([{ seq: 1, problem: "bad-hash" }]);
    await expect(
      db.prisma.$executeRawUnsafe(`UPDATE audit_event SET actor = 'x' WHERE stream = 'conversation:a'`),
    ).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
  });

  it("concurrent-appends-extend-one-chain", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        audit.append({ stream: "conversation:c", type: "tick", actor: "system", payload: { i } }),
      ),
    );
    const events = await audit.read("conversation:c");
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(verifyChain(events)).toEqual([]);
  });

  it("a-thread-keeps-its-messages-in-order across opens", async () => {
    const conversations = createPrismaConversationStore(db.prisma);
    const first = await conversations.open("cli:session-1", "advisor@example.com");
    await conversations.append(first.id, [
      { role: "user", content: "rebalance the Chen household" },
      { role: "assistant", content: [{ type: "text", text: "Looking it up." }] },
    ]);
    const again = await conversations.open("cli:session-1", null);
    expect(again.id).toBe(first.id);
    await conversations.append(again.id, [{ role: "user", content: "and harvest?" }]);
    const messages = await conversations.messages(first.id);
    expect(messages.map((m) => [m.seq, m.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
      [3, "user"],
    ]);
    expect(messages[1]?.content).toEqual([{ type: "text", text: "Looking it up." }]);
    await expect(
      db.prisma.$executeRawUnsafe(`UPDATE conversation_message SET role = 'user' WHERE seq = 2`),
    ).rejects.toThrow(/append-only/);
  });
});
