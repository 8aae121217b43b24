// `lotwise serve --role`: a worker answers its health checks on PORT and stops within 10 s of SIGTERM;
// a web process's /readyz says whether the database and the queue are there; other lotwise commands
// run beside serve on the embedded database; a role that does not exist is a usage error.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/cli.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`lotwise serve --role (${BACKEND})`, () => {
  let slack: FakeSlack;
  let db: TestDatabase | null = null;
  let home: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    home = mkdtempSync(join(tmpdir(), "lotwise-roles-"));
    if (BACKEND === "postgres") db = await openTestDatabase();
  });
  afterEach(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });
  afterAll(async () => {
    await db?.close();
    await slack.close();
    rmSync(home, { recursive: true, force: true });
  });

  const env = (port: number) => ({
    PATH: process.env.PATH,
    LOTWISE_HOME: home,
    ...(db?.url ? { DATABASE_URL: db.url } : {}),
    LOG_LEVEL: "warn",
    SLACK_BOT_TOKEN: "xoxb-roles-test",
    SLACK_SIGNING_SECRET: "roles-test-signing-secret",
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
  });

  async function serve(port: number, role: string, ready: string) {
    const child = spawn(process.execPath, [join(ROOT, "bin/lotwise.js"), "serve", "--role", role], {
      cwd: ROOT,
      env: env(port),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const until = Date.now() + 90_000;
    while (!stderr.includes(ready)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return child;
  }

  it("a-worker-answers-its-health-checks-on-PORT-and-stops-within-10-s-of-SIGTERM", async () => {
    const port = await freePort();
    const worker = await serve(port, "worker", "workers on the job queue");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { database: "ok", queue: "ok", workers: "ok" },
    });
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    const stopping = Date.now();
    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 120_000);

  it("a-web-process-serves-readyz-beside-slack-events", async () => {
    const port = await freePort();
    await serve(port, "web", "Slack HTTP on port");
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: "ok", queue: "ok" } });
  }, 120_000);

  it.runIf(BACKEND === "pglite")(
    "lotwise-households-works-while-serve-runs-on-the-embedded-database",
    async () => {
      const port = await freePort();
      await serve(port, "all", "workers on the job queue");
      const households = spawnSync(process.execPath, [join(ROOT, "bin/lotwise.js"), "households", "--json"], {
        cwd: ROOT,
        env: env(port),
        encoding: "utf8",
      });
      expect(households.stderr).toBe("");
      expect(households.status).toBe(0);
      expect(households.stdout).toContain("hh-chen");
    },
    120_000,
  );

  it("a-role-that-does-not-exist-is-a-usage-error", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin/lotwise.js"), "serve", "--role", "janitor"], {
      cwd: ROOT,
      env: env(1),
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--role must be all, web or worker, not "janitor"');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
