// `lotwise serve --role`: a worker answers its health checks on PORT and stops within 10 s of SIGTERM;
// a web process's /readyz says whether the database and the queue are there; other lotwise commands
// run beside serve on the embedded database; a role that does not exist is a usage error.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/cli.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { freePort, openServeHome, type ServeHome, SLACK_UP, WORKERS_UP } from "../support/serve-process.ts";
import { BACKEND } from "../support/test-database.ts";

describe(`lotwise serve --role (${BACKEND})`, () => {
  let slack: FakeSlack;
  let home: ServeHome;

  beforeAll(async () => {
    slack = await startFakeSlack();
    home = await openServeHome({ SLACK_BOT_TOKEN: "xoxb-roles-test", SLACK_API_URL: slack.apiUrl });
  }, 120_000);
  afterAll(async () => {
    await home.close();
    await slack.close();
  });

  const serve = (port: number, role: string, ready: string) =>
    home.serve(role, ready, { PORT: String(port) }).then((process) => process.child);
  const env = (port: number) => home.env({ PORT: String(port) });

  it("a-worker-answers-its-health-checks-on-PORT-and-stops-within-10-s-of-SIGTERM", async () => {
    const port = await freePort();
    const worker = await serve(port, "worker", WORKERS_UP);
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
    await serve(port, "web", SLACK_UP);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: "ok", queue: "ok" } });
  }, 120_000);

  it.runIf(BACKEND === "pglite")(
    "lotwise-households-works-while-serve-runs-on-the-embedded-database",
    async () => {
      const port = await freePort();
      await serve(port, "all", WORKERS_UP);
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
