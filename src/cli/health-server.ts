// Liveness and readiness for a process that does not already serve HTTP (a worker, or Slack's Socket
// Mode): GET /healthz answers while the process runs; GET /readyz answers 200 when the database and
// the job queue are reachable, 503 with what is not otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HEALTH_PATH, READY_PATH } from "../slack/slack-endpoints.ts";

export interface Readiness {
  ready: boolean;
  checks: Record<string, "ok" | string>;
}

/** Answers /healthz and /readyz (anything else: 404). */
export function answerHealth(ready: () => Promise<Readiness>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === HEALTH_PATH) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
      return;
    }
    if (req.method === "GET" && path === READY_PATH) {
      const readiness = await ready().catch(
        (error: unknown): Readiness => ({ ready: false, checks: { check: String(error) } }),
      );
      res.writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json" });
      res.end(`${JSON.stringify(readiness)}\n`);
      return;
    }
    res.writeHead(404);
    res.end();
  };
}

export async function startHealthServer(
  port: number,
  ready: () => Promise<Readiness>,
): Promise<{ port: number; stop(): Promise<void> }> {
  const server = createServer((req, res) => void answerHealth(ready)(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
