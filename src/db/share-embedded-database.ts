// Lets other lotwise processes use the embedded database while `lotwise serve` holds it: serve hosts its
// PGlite on 127.0.0.1 with @electric-sql/pglite-socket and names the url in `${dataDir}.share.json`;
// another process that finds the folder locked by serve connects there as a PostgreSQL client.
//
// PGlite is ONE PostgreSQL session, and pglite-socket 0.2.18's own queue does not keep clients apart:
// it holds one client's messages together only while the backend is inside an explicit transaction
// block, so an extended-protocol exchange sent in several writes (Parse … Sync) can be split by
// another client's statements, and it never takes PGlite's transaction lock, so in-process queries
// run inside a socket client's open transaction and socket statements inside an in-process one. The
// scheduler below replaces that queue: a socket client owns the whole session, PGlite's transaction
// lock included, from its first message until the backend is idle again (ReadyForQuery 'I'), then
// the session's settings are reset (RESET ALL) before anyone else runs.
//
// Trade-offs of one shared session: everything is serialised (one long transaction stalls every
// client and serve itself); a plain SET lasts only until the end of its own statement or
// transaction; named prepared statements, temporary tables and cursors are shared by all clients
// (a second connection preparing a name another already prepared gets 42P05, so graphile-worker
// needs noPreparedStatements); and a NOTIFY reaches only the client whose statement was running when
// it was delivered, so LISTEN/NOTIFY does not work between processes (listeners fall back to polling).
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedShare {
  /** A PostgreSQL connection url on 127.0.0.1. */
  url: string;
  /** Closes the server (rolling back what its clients left open) and removes the share file. */
  stop(): Promise<void>;
}

export interface ShareFile {
  pid: number;
  url: string;
  startedAt: string;
}

export type ShareLookup =
  | { status: "shared"; url: string }
  | { status: "not-shared" }
  | { status: "not-answering"; url: string };

const HOST = "127.0.0.1";
const MAX_CONNECTIONS = 32;
const PROBE_TIMEOUT_MS = 1_000;

export function shareFileOf(dataDir: string): string {
  return `${dataDir}.share.json`;
}

/** Hosts `db` (already open on dataDir) for other processes until `stop()`. */
/** `dataDir` undefined (an in-memory database): shared with this process's own clients, not announced. */
export async function shareEmbeddedDatabase(db: PGlite, dataDir: string | undefined): Promise<EmbeddedShare> {
  const scheduler = new SessionScheduler(db);
  const server = new PGLiteSocketServer({ db, host: HOST, port: 0, maxConnections: MAX_CONNECTIONS });
  // The server hands its queue to every connection it accepts; swapping it before start() is the one
  // way in. Checked so that a pglite-socket upgrade that renames it fails here, not silently.
  if (!Reflect.has(server, "queryQueue")) {
    throw new Error("@electric-sql/pglite-socket no longer has a queryQueue to replace; sharing is unsafe");
  }
  Reflect.set(server, "queryQueue", scheduler);
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  try {
    if (dataDir) writeShareFile(dataDir, { pid: process.pid, url, startedAt: new Date().toISOString() });
  } catch (error) {
    await server.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // The file goes first, so that no new process tries a server that is closing.
    if (dataDir && readShareFile(dataDir)?.pid === process.pid) rmSync(shareFileOf(dataDir), { force: true });
    await server.stop();
    await scheduler.close();
  };
  return {
    url,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

/**
 * Whether `holderPid` (the live process holding dataDir's lock) shares it. A share file naming a
 * dead process is removed on the way.
 */
export async function findShare(dataDir: string, holderPid: number | undefined): Promise<ShareLookup> {
  const file = readShareFile(dataDir);
  if (!file) return { status: "not-shared" };
  if (!isAlive(file.pid)) {
    rmSync(shareFileOf(dataDir), { force: true });
    return { status: "not-shared" };
  }
  if (file.pid !== holderPid) return { status: "not-shared" };
  return (await acceptsConnection(file.url))
    ? { status: "shared", url: file.url }
    : { status: "not-answering", url: file.url };
}

export function readShareFile(dataDir: string): ShareFile | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(shareFileOf(dataDir), "utf8"));
  } catch {
    return undefined;
  }
  const file = parsed as Partial<ShareFile> | null;
  const valid =
    typeof file?.pid === "number" && typeof file.url === "string" && typeof file.startedAt === "string";
  return valid ? (file as ShareFile) : undefined;
}

function writeShareFile(dataDir: string, file: ShareFile): void {
  const temp = `${shareFileOf(dataDir)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file)}\n`);
  renameSync(temp, shareFileOf(dataDir));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function acceptsConnection(url: string): Promise<boolean> {
  let address: URL;
  try {
    address = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect({ host: address.hostname, port: Number(address.port), timeout: PROBE_TIMEOUT_MS });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

// ---------------------------------------------------------------------------------------------------
// The session scheduler: the queue pglite-socket's connection handlers call (same method names as
// its QueryQueueManager).

interface Pending {
  handlerId: number;
  /** A wire-protocol message, or the handler's disconnection. */
  message: Uint8Array | "disconnected";
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

const TERMINATE = "X".charCodeAt(0);

class SessionScheduler {
  private queue: Pending[] = [];
  private owner: { handlerId: number; release: () => void } | undefined;
  private draining = false;
  private whenDrained: (() => void)[] = [];
  private readonly replies = new ReplyWatcher();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    // Terminate needs no answer; the socket closing right after ends the client's turn.
    if (message[0] === TERMINATE) return Promise.resolve(0);
    return this.push({ handlerId, message, onData }, "back");
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.dropMessages((pending) => pending.handlerId === handlerId, "Handler disconnected");
  }

  /** Called when a connection goes away (never rejects): whatever it left open is rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    await this.push({ handlerId, message: "disconnected", onData: () => {} }, "front");
  }

  /** After the server stopped: ends what is left and waits until PGlite is free again. */
  async close(): Promise<void> {
    this.dropMessages(() => true, "the database is no longer shared");
    if (this.draining) await new Promise<void>((resolve) => this.whenDrained.push(resolve));
    if (this.owner) await this.abandonTurn();
  }

  private dropMessages(matches: (pending: Pending) => boolean, reason: string): void {
    const dropped = this.queue.filter((pending) => pending.message !== "disconnected" && matches(pending));
    this.queue = this.queue.filter((pending) => !dropped.includes(pending));
    for (const pending of dropped) pending.reject(new Error(reason));
  }

  private push(pending: Omit<Pending, "resolve" | "reject">, end: "front" | "back"): Promise<number> {
    return new Promise((resolve, reject) => {
      const entry = { ...pending, resolve, reject };
      if (end === "front") this.queue.unshift(entry);
      else this.queue.push(entry);
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.next(); next; next = this.next()) {
        this.queue.splice(this.queue.indexOf(next), 1);
        await this.settle(next);
      }
    } finally {
      this.draining = false;
      for (const resolve of this.whenDrained.splice(0)) resolve();
    }
  }

  /** The owner's next message while a client owns the session, else the oldest one. */
  private next(): Pending | undefined {
    const owner = this.owner;
    return owner ? this.queue.find((pending) => pending.handlerId === owner.handlerId) : this.queue[0];
  }

  private async settle(pending: Pending): Promise<void> {
    const { handlerId, message, onData } = pending;
    if (message === "disconnected") {
      if (this.owner?.handlerId === handlerId) await this.abandonTurn();
      pending.resolve(0);
      return;
    }
    try {
      pending.resolve(await this.run(handlerId, message, onData));
    } catch (error) {
      pending.reject(error as Error);
    }
  }

  private async run(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    if (!this.owner) this.owner = { handlerId, release: await holdTransactionLock(this.db) };
    return this.db.runExclusive(async () => {
      let bytes = 0;
      this.replies.expectMore();
      await this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          bytes += data.length;
          this.replies.follow(data);
          onData(data);
        },
      });
      if (this.replies.idle) await this.endTurn();
      return bytes;
    });
  }

  /** The owner went away mid-exchange: roll back as PostgreSQL does when a client disconnects. */
  private async abandonTurn(): Promise<void> {
    try {
      await this.db.runExclusive(async () => {
        // ROLLBACK aborts an explicit or implicit (Parse/Bind/Execute before Sync) transaction. After
        // an error the backend skips everything until Sync: the Sync ends that, and the second
        // ROLLBACK the explicit transaction block the error left aborted.
        await this.execQuietly(simpleQuery("ROLLBACK"));
        await this.execQuietly(SYNC);
        if (this.db.isInTransaction()) await this.execQuietly(simpleQuery("ROLLBACK"));
        await this.endTurn();
      });
    } catch {
      // PGlite itself failed (or was closed): nothing left to roll back, but serve must not wait forever.
      this.releaseTurn();
    }
  }

  private async endTurn(): Promise<void> {
    try {
      await this.execQuietly(RESET_SESSION);
    } finally {
      this.releaseTurn();
    }
  }

  private releaseTurn(): void {
    this.owner?.release();
    this.owner = undefined;
  }

  private execQuietly(message: Uint8Array): Promise<void> {
    return this.db.execProtocolRawStream(message, { syncToFs: false, onRawData: () => {} });
  }
}

// Resets what a client may have SET, so that it reaches neither serve nor the next client.
const RESET_SESSION = simpleQuery("SET SESSION AUTHORIZATION DEFAULT; RESET ALL");
const SYNC = Uint8Array.of("S".charCodeAt(0), 0, 0, 0, 4);

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message.write("Q", 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * Takes PGlite's transaction lock, which its public query(), exec() and transaction() hold: while a
 * socket client owns the session, in-process callers wait, and the reverse.
 */
function holdTransactionLock(db: PGlite): Promise<() => void> {
  return new Promise((acquired) => {
    void db._runExclusiveTransaction(() => new Promise<void>((release) => acquired(() => release())));
  });
}

const READY_FOR_QUERY = "Z".charCodeAt(0);
const IDLE = "I".charCodeAt(0);

/** Reads the backend's replies message by message: idle when the last one is ReadyForQuery 'I'. */
class ReplyWatcher {
  idle = false;
  private header: number[] = [];
  private type = 0;
  private remaining = 0;

  expectMore(): void {
    this.idle = false;
  }

  follow(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.remaining === 0) {
        this.header.push(data[at++] as number);
        if (this.header.length === 5) this.startMessage();
        continue;
      }
      if (this.type === READY_FOR_QUERY) this.idle = data[at] === IDLE;
      const step = Math.min(this.remaining, data.length - at);
      at += step;
      this.remaining -= step;
    }
  }

  private startMessage(): void {
    const [type = 0, ...length] = this.header;
    this.type = type;
    this.remaining = Buffer.from(length).readInt32BE(0) - 4;
    this.header = [];
    this.idle = false;
  }
}
