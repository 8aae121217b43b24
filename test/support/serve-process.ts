// Real `lotwise serve` processes for fault and role tests: spawned on a LOTWISE_HOME (and a
// PostgreSQL database when the suite runs there), waited for until they say they are up, killed for
// real. The PostgreSQL book is seeded with the demo first (the embedded one seeds itself).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "./test-database.ts";

export const SERVE_SIGNING_SECRET = "serve-process-signing-secret";
/** What serve prints once its Slack listener, or its workers, are up. */
export const SLACK_UP = "Slack HTTP on port";
export const WORKERS_UP = "workers on the job queue";

export interface ServeHome {
  home: string;
  db: TestDatabase | null;
  /** The environment every lotwise process of this home gets. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** `lotwise serve --role <role>`, resolved once `ready` has been printed. */
  serve(role: string, ready: string, extra?: Record<string, string>): Promise<ServeProcess>;
  /** Kills every process still running, drops the database and the home. */
  close(): Promise<void>;
}

export interface ServeProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL, and the exit. */
  kill(): Promise<void>;
}

export async function openServeHome(base: Record<string, string>): Promise<ServeHome> {
  const home = mkdtempSync(join(tmpdir(), "lotwise-serve-"));
  const db = BACKEND === "postgres" ? await openTestDatabase() : null;
  const children: ChildProcess[] = [];
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    LOTWISE_HOME: home,
    ...(db?.url ? { DATABASE_URL: db.url } : {}),
    LOG_LEVEL: process.env.SERVE_TEST_LOG_LEVEL ?? "warn",
    SLACK_SIGNING_SECRET: SERVE_SIGNING_SECRET,
    ...base,
    ...extra,
  });
  if (db) {
    const seeded = spawnSync(process.execPath, [join(ROOT, "bin/lotwise.js"), "seed", "--demo"], {
      cwd: ROOT,
      env: env(),
      encoding: "utf8",
    });
    if (seeded.status !== 0) throw new Error(`seed --demo failed: ${seeded.stderr}`);
  }
  return {
    home,
    db,
    env,
    async serve(role, ready, extra = {}) {
      const child = spawn(process.execPath, [join(ROOT, "bin/lotwise.js"), "serve", "--role", role], {
        cwd: ROOT,
        env: env(extra),
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let output = "";
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      const until = Date.now() + 90_000;
      while (!output.includes(ready)) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return {
        child,
        output: () => output,
        async kill() {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGKILL");
          await exited;
        },
      };
    },
    async close() {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
      await db?.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
