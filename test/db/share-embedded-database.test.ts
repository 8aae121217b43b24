// `lotwise serve` shares its embedded PGlite through a PostgreSQL socket; other processes use it
// beside serve. PGlite is one PostgreSQL session, so the sharing must keep every client's transaction
// (and serve's own, in-process) whole, and one client's settings away from the others.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Database, type EmbeddedShare, openDatabase } from "../../src/db/open-database.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { findShare, readShareFile, shareFileOf } from "../../src/db/share-embedded-database.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { runBin } from "../support/cli.ts";
import { BACKEND } from "../support/test-database.ts";

const book = buildDemoBook({ anchorDate: isoDate("2026-11-20"), now: "2026-11-20T20:00:00.000Z" });
const DEMO_HOUSEHOLDS = ["hh-alvarez", "hh-brooks", "hh-chen", "hh-okafor", "hh-patel"];

describe.skipIf(BACKEND === "postgres")("sharing the embedded database with other processes", () => {
  let home: string;
  let dataDir: string;
  let host: Database;
  let shared: EmbeddedShare;
  const clients: pg.Client[] = [];

  async function client(): Promise<pg.Client> {
    const opened = new pg.Client({ connectionString: shared.url });
    opened.on("error", () => {});
    await opened.connect();
    clients.push(opened);
    return opened;
  }

  async function probeRows(): Promise<string[]> {
    const rows = await host.withSql((sql) =>
      sql.query<{ who: string }>("SELECT who FROM share_probe ORDER BY who"),
    );
    return rows.map((row) => row.who);
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "lotwise-share-"));
    dataDir = join(home, "pgdata");
    host = await openDatabase({ kind: "pglite", dataDir });
    await host.migrate();
    await createPrismaBookStore(host.prisma).seedDemo(book);
    await host.withSql((sql) => sql.exec("CREATE TABLE share_probe (who text PRIMARY KEY)"));
    shared = await startSharing(host);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((opened) => opened.end().catch(() => {})));
    await host.withSql((sql) => sql.exec("DELETE FROM share_probe"));
  });

  afterAll(async () => {
    await host?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("names its url in a file next to the data folder", () => {
    expect(shared.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(readShareFile(dataDir)).toEqual({
      pid: process.pid,
      url: shared.url,
      startedAt: expect.any(String),
    });
  });

  it("keeps one client's transaction whole while another writes", async () => {
    const [a, b] = [await client(), await client()];
    const events: string[] = [];
    await a.query("BEGIN");
    await a.query("INSERT INTO share_probe VALUES ('a')");
    const bWrites = (async () => {
      await b.query("BEGIN");
      await b.query("INSERT INTO share_probe VALUES ('b')");
      await b.query("COMMIT");
      events.push("b committed");
    })();
    await sleep(100);
    expect((await a.query("SELECT who FROM share_probe")).rows).toEqual([{ who: "a" }]);
    events.push("a rolls back");
    await a.query("ROLLBACK");
    await bWrites;
    expect(events).toEqual(["a rolls back", "b committed"]);
    expect(await probeRows()).toEqual(["b"]);
  });

  it("keeps serve's own Prisma transaction apart from a client's", async () => {
    const socket = await client();
    const events: string[] = [];
    let inside: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const serveRollsBack = host.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe("INSERT INTO share_probe VALUES ('serve')");
        inside();
        await sleep(150);
        events.push("serve rolls back");
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await started;
    await socket.query("BEGIN");
    await socket.query("INSERT INTO share_probe VALUES ('client')");
    await socket.query("COMMIT");
    events.push("client committed");
    expect(await serveRollsBack).toBe("roll back");
    expect(events).toEqual(["serve rolls back", "client committed"]);
    expect(await probeRows()).toEqual(["client"]);
  });

  it("makes serve wait while a client is inside a transaction", async () => {
    const socket = await client();
    await socket.query("BEGIN");
    await socket.query("INSERT INTO share_probe VALUES ('client')");
    const serveWrites = host.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO share_probe VALUES ('serve')");
      return "serve committed";
    });
    const early = await Promise.race([serveWrites, sleep(150, "serve waits")]);
    await socket.query("ROLLBACK");
    expect(early).toBe("serve waits");
    expect(await serveWrites).toBe("serve committed");
    expect(await probeRows()).toEqual(["serve"]);
  });

  it("keeps a client's SET to itself", async () => {
    const [a, b] = [await client(), await client()];
    const show = async (on: pg.Client, setting: string) =>
      (await on.query<Record<string, string>>(`SHOW ${setting}`)).rows[0]?.[setting];
    await a.query("BEGIN");
    await a.query("SET statement_timeout = '4321ms'");
    await a.query("SET LOCAL lock_timeout = '1234ms'");
    const bSees = show(b, "statement_timeout");
    expect(await show(a, "statement_timeout")).toBe("4321ms");
    expect(await show(a, "lock_timeout")).toBe("1234ms");
    await a.query("COMMIT");
    expect(await bSees).toBe("0");
    expect(await show(b, "lock_timeout")).toBe("0");
    const serveSees = await host.withSql((sql) =>
      sql.query<{ statement_timeout: string }>("SHOW statement_timeout"),
    );
    expect(serveSees[0]?.statement_timeout).toBe("0");
    // The price of one session: a plain SET lasts until the end of its own statement (or transaction).
    const searchPath = await show(a, "search_path");
    await a.query("SET search_path TO nowhere");
    expect(await show(a, "search_path")).toBe(searchPath);
  });

  it("keeps an extended-protocol exchange whole when its messages arrive apart", async () => {
    const b = await client();
    const raw = await rawClient(shared.url);
    try {
      raw.send(parse("SELECT 'from a' AS who"), FLUSH);
      await raw.until("1");
      const bReads = b.query<{ who: string }>("SELECT $1::text AS who", ["from b"]);
      await sleep(50);
      raw.send(BIND, EXECUTE, SYNC);
      const reply = await raw.until("Z");
      expect(reply.toString("latin1")).toContain("from a");
      expect(reply.toString("latin1")).not.toContain("ERROR");
      expect((await bReads).rows).toEqual([{ who: "from b" }]);
    } finally {
      raw.socket.destroy();
    }
  });

  it("rolls back what a client left open when it goes away", async () => {
    const [gone, other] = [await client(), await client()];
    await gone.query("BEGIN");
    await gone.query("INSERT INTO share_probe VALUES ('gone')");
    const otherWrites = other.query("INSERT INTO share_probe VALUES ('other')");
    (gone as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    await otherWrites;
    expect(await probeRows()).toEqual(["other"]);
  });

  it("rolls back what clients left open when it stops, and can share again", async () => {
    const open = await client();
    await open.query("BEGIN");
    await open.query("INSERT INTO share_probe VALUES ('left open')");
    await shared.stop();
    expect(readShareFile(dataDir)).toBeUndefined();
    expect(await probeRows()).toEqual([]);

    shared = await startSharing(host);
    expect(readShareFile(dataDir)?.url).toBe(shared.url);
    await (await client()).query("INSERT INTO share_probe VALUES ('again')");
    expect(await probeRows()).toEqual(["again"]);
  });

  describe("finding it from another process", () => {
    // Another process's view of a folder whose lock is held by a live process that is not this one
    // (the test runner's parent), sharing through this test's server.
    let other: string;
    beforeAll(() => {
      other = join(home, "other");
      writeFileSync(`${other}.lock`, String(process.ppid));
    });
    afterEach(() => rmSync(shareFileOf(other), { force: true }));

    function writeShare(pid: number, url: string) {
      writeFileSync(shareFileOf(other), JSON.stringify({ pid, url, startedAt: new Date().toISOString() }));
    }

    it("opens a client of the sharing process", async () => {
      writeShare(process.ppid, shared.url);
      const db = await openDatabase({ kind: "pglite", dataDir: other });
      try {
        expect(db).toMatchObject({ kind: "pglite", superuser: true });
        expect(db.location).toBe(
          `embedded PGlite at ${other}, shared by lotwise serve (pid ${process.ppid})`,
        );
        expect(db.share).toBeUndefined();
        expect((await db.migrate()).applied).toEqual([]);
        const households = await db.prisma.household.findMany({
          select: { id: true },
          orderBy: { id: "asc" },
        });
        expect(households.map((h) => h.id)).toEqual(DEMO_HOUSEHOLDS);
        await db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe("INSERT INTO share_probe VALUES ('through prisma')");
        });
        expect(await probeRows()).toEqual(["through prisma"]);
      } finally {
        await db.close();
      }
    });

    it("refuses clearly when the holder does not share it", async () => {
      await expect(openDatabase({ kind: "pglite", dataDir: other })).rejects.toThrow(
        `the embedded database at ${other} is in use by another lotwise process (pid ${process.ppid}) that does not share it; stop that process (a running \`lotwise serve\` shares the database with other lotwise commands), or set DATABASE_URL to share a PostgreSQL database`,
      );
    });

    it("refuses clearly when the holder's share does not answer", async () => {
      const url = `postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`;
      writeShare(process.ppid, url);
      await expect(openDatabase({ kind: "pglite", dataDir: other })).rejects.toThrow(
        `(pid ${process.ppid}), which shares it at ${url} but does not answer there`,
      );
    });

    it("forgets a share file left by a process that died", async () => {
      writeShare(deadPid(), shared.url);
      expect(await findShare(other, process.ppid)).toEqual({ status: "not-shared" });
      expect(readShareFile(other)).toBeUndefined();
    });
  });

  // Last: it stops sharing.
  it("serves `lotwise households` from another process, and refuses once it stops sharing", async () => {
    const env = { LOTWISE_HOME: home };
    const listed = await runBin(["households", "--json"], env);
    expect(listed.stderr).not.toMatch(/\n\s+at /);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((h) => h.id)).toEqual(DEMO_HOUSEHOLDS);

    await shared.stop();
    expect(readShareFile(dataDir)).toBeUndefined();
    const refused = await runBin(["households", "--json"], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toContain(
      `is in use by another lotwise process (pid ${process.pid}) that does not share it`,
    );
  });
});

async function startSharing(db: Database): Promise<EmbeddedShare> {
  if (!db.share) throw new Error("a file-backed PGlite opened in-process offers share()");
  return db.share();
}

function deadPid(): number {
  const exited = spawnSync(process.execPath, ["-e", ""]);
  return exited.pid as number;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A bare wire-protocol client, to send an extended-protocol exchange in separate writes.
function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const text = (value: string) => Buffer.from(`${value}\0`);
const int16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};
const PROTOCOL_3 = 196_608;
const parse = (sql: string) => message("P", text(""), text(sql), int16(0));
const BIND = message("B", text(""), text(""), int16(0), int16(0), int16(0));
const EXECUTE = message("E", text(""), int32(0));
const FLUSH = message("H");
const SYNC = message("S");

async function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = netConnect(Number(port), hostname);
  let received = Buffer.alloc(0);
  let arrived = () => {};
  socket.on("data", (data) => {
    received = Buffer.concat([received, data]);
    arrived();
  });
  /** Everything received up to and including the next message of `type`. */
  const until = async (type: string): Promise<Buffer> => {
    for (;;) {
      for (let at = 0; at + 5 <= received.length; ) {
        const end = at + 1 + received.readInt32BE(at + 1);
        if (end > received.length) break;
        if (received[at] === type.charCodeAt(0)) {
          const reply = received.subarray(0, end);
          received = received.subarray(end);
          return reply;
        }
        at = end;
      }
      await new Promise<void>((resolve) => {
        arrived = resolve;
      });
    }
  };
  const send = (...messages: Buffer[]) => socket.write(Buffer.concat(messages));
  const startup = Buffer.concat([int32(PROTOCOL_3), text("user"), text("postgres"), Buffer.from([0])]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await until("Z");
  return { socket, send, until };
}
