// Real processes, a real fault in the worst place: `lotwise serve` (role all, HTTP mode against the
// fake Slack, the Schwab venue pointed at the fake Schwab Advisor Trading API) has a plan for the
// Chen household drafted (`/lotwise plan Chen` by the advisor) and approved (the Approve click by
// Ben Whitaker, an approver other than the requester). The Schwab sale is placed at the fake, whose
// answer is held back, and while that submission is in flight the process is SIGKILLed. The next
// process finishes the plan: every order reaches its venue, Schwab placed each client order
// identifier once (the retry's identifier is refused as used, as Schwab does, and the venue finds
// the order the lost answer was about), and the plan ends executed, within 60 s of the restart.
// The fake is test/support/fake-schwab.ts, the Advisor Trading API the venue speaks (POST /orders,
// POST /orders/status; a used clientOrderIdentifier refused with ORD-1042, as Schwab does), used as
// it is; fake-schwab-trader.ts is the retail Trader API that `lotwise sync` reads, not a venue.
//
// One thing is not real time: an order left SUBMITTING by a dead worker is claimed again once it has
// been so for a minute (`abandonAfterMs`, set by `lotwise serve`: its client order id makes the second
// submission safe). While no process runs, the test moves the stuck order's updated_at back by that
// much: the database then looks as it would a minute later, and nothing else is touched. The
// restarted workers drain the outbox as they start, so nothing waits for the next minute's tick.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/open-database.ts";
import { clientOrderIdentifierOf } from "../../src/execution/schwab-order.ts";
import { type FakeSchwab, startFakeSchwab } from "../support/fake-schwab.ts";
import {
  blockActions,
  type FakeSlack,
  type SlackCall,
  SlackSender,
  slashCommand,
  startFakeSlack,
} from "../support/fake-slack.ts";
import {
  freePort,
  openServeHome,
  SERVE_SIGNING_SECRET,
  type ServeHome,
  WORKERS_UP,
} from "../support/serve-process.ts";
import { BACKEND } from "../support/test-database.ts";

const ADVISOR = "U0ADVISOR1";
const APPROVER = "U0APPROVER1";
const CHANNEL = "C0ADVISORS";
/** The `abandonAfterMs` `lotwise serve` runs the outbox with. */
const ABANDON_AFTER_MS = 60_000;

const isCard = (c: SlackCall) =>
  c.method === "chat.postMessage" && JSON.stringify(c.args.blocks ?? "").includes("approve_plan");

describe(`an order in flight at Schwab when its worker is killed (${BACKEND})`, () => {
  let slack: FakeSlack;
  let schwab: FakeSchwab;
  let home: ServeHome;

  beforeAll(async () => {
    slack = await startFakeSlack();
    schwab = await startFakeSchwab();
    home = await openServeHome({
      SLACK_BOT_TOKEN: "xoxb-crash-test",
      SLACK_API_URL: slack.apiUrl,
      LOTWISE_WORKER_HEARTBEAT_MS: "250",
      SCHWAB_TRADER_API_URL: schwab.url,
      SCHWAB_ACCESS_TOKEN: schwab.token,
    });
  }, 120_000);
  afterAll(async () => {
    await home.close();
    await slack.close();
    await schwab.close();
  });

  /** The book: PostgreSQL's test database, or the embedded one (through serve's socket while it runs). */
  async function withBook<T>(work: (database: Database) => Promise<T>): Promise<T> {
    const database = home.db ?? (await openDatabase({ kind: "pglite", dataDir: join(home.home, "pgdata") }));
    try {
      return await work(database);
    } finally {
      if (!home.db) await database.close();
    }
  }

  const serve = (port: number) => home.serve("all", WORKERS_UP, { PORT: String(port) });

  const planOrders = (database: Database, planId: string) =>
    database.prisma.order.findMany({
      where: { planId },
      include: { security: true, account: true, planTrade: true, fills: true },
      orderBy: { planTrade: { seq: "asc" } },
    });
  const clientIdsPosted = () =>
    schwab
      .submits()
      .flatMap(
        (r) => (r.body as { equityOrderItems?: { clientOrderIdentifier: string }[] }).equityOrderItems ?? [],
      )
      .map((item) => item.clientOrderIdentifier);

  it("the-order-whose-answer-died-with-the-process-is-placed-once-and-the-plan-executes-after-restart", async () => {
    const port = await freePort();
    const first = await serve(port);
    // Schwab places the first order and holds its answer back (far longer than the process lives).
    schwab.script.push({ kind: "hang", ms: 60_000, placeFirst: true });

    // Drafted by the advisor, approved by someone else (four eyes), all through Slack.
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SERVE_SIGNING_SECRET);
    const asked = await sender.command(
      slashCommand({ user: ADVISOR, channel: CHANNEL, text: "plan Chen" }) as Record<string, string>,
    );
    expect(asked.status).toBe(200);
    await slack.waitFor((calls) => calls.some(isCard), 60_000);
    const card = slack.calls.find(isCard) as SlackCall;
    const { planId } = buttonValue(card);
    const clicked = await sender.interaction(
      blockActions({
        user: APPROVER,
        channel: CHANNEL,
        message: {
          ts: String(card.response?.ts),
          thread_ts: String(card.args.thread_ts),
          blocks: card.args.blocks as unknown[],
        },
        actionId: "approve_plan",
      }),
    );
    expect(clicked.status).toBe(200);

    // The first Schwab order is placed and its answer is on its way back: the process dies now.
    const until = Date.now() + 30_000;
    while (schwab.orders.length === 0) {
      if (Date.now() > until) throw new Error(`nothing reached Schwab:\n${first.output()}`);
      await sleep(20);
    }
    await first.kill();
    const [placed] = schwab.orders;
    expect(schwab.orders).toHaveLength(1);
    expect(schwab.submits()).toHaveLength(1);

    // What the dead process left: that order submitting (its answer lost), nothing else in flight.
    const inFlightId = await withBook(async (database) => {
      const orders = await planOrders(database, planId);
      const submitting = orders.filter((o) => o.status === "SUBMITTING");
      expect(submitting.map((o) => [o.account.custodianId, o.security.symbol, o.attempts])).toEqual([
        ["schwab", placed?.symbol, 1],
      ]);
      const [stuck] = submitting;
      expect(clientOrderIdentifierOf(stuck?.idempotencyKey ?? "")).toBe(placed?.clientOrderIdentifier);
      // Schwab fills each order (at the book's latest price) when its status is next read.
      for (const order of orders.filter((o) => o.account.custodianId === "schwab")) {
        const price = await database.prisma.price.findFirst({
          where: { securityId: order.securityId },
          orderBy: { asOf: "desc" },
        });
        schwab.fillPrices.set(order.security.symbol, Number(price?.price ?? 100));
      }
      // The one thing not real: the minute (abandonAfterMs) after which a dead worker's order is
      // claimed again, passed by moving its last update back (see the top of the file).
      const moved = await database.prisma.$executeRaw`
        UPDATE "order" SET updated_at = updated_at - ${ABANDON_AFTER_MS + 1_000} * interval '1 millisecond'
        WHERE plan_id = ${planId} AND status = 'SUBMITTING'`;
      expect(moved).toBe(1);
      return stuck?.id as string;
    });

    const restarted = Date.now();
    const next = await serve(port);
    const status = await withBook(async (database) => {
      for (;;) {
        const plan = await database.prisma.plan.findUniqueOrThrow({ where: { id: planId } });
        if (plan.status === "EXECUTED" || plan.status === "FAILED") return plan.status;
        if (Date.now() - restarted > 75_000) return plan.status;
        await sleep(250);
      }
    });
    const recoveredInMs = Date.now() - restarted;
    const summary = async () =>
      `${(await withBook((d) => planOrders(d, planId)))
        .map((o) => `${o.planTrade.seq} ${o.security.symbol}@${o.account.custodianId}: ${o.status}`)
        .join("; ")}\n${next.output().slice(-4_000)}`;
    if (status !== "EXECUTED") throw new Error(`the plan is ${status}: ${await summary()}`);
    expect(recoveredInMs).toBeLessThan(60_000);

    await withBook(async (database) => {
      const orders = await planOrders(database, planId);
      // One approval and one set of orders, though the approval job ran again after the crash.
      expect(await database.prisma.approval.count({ where: { planId } })).toBe(1);
      expect(orders).toHaveLength(await database.prisma.planTrade.count({ where: { planId } }));
      // Every order reached its venue and filled, once.
      for (const order of orders) {
        expect(order.status, `${order.security.symbol} in ${order.accountId}`).toBe("FILLED");
        expect(order.fills).toHaveLength(1);
      }
      // At Schwab: each client order identifier placed once, and each order is the one placed.
      const atSchwab = orders.filter((o) => o.account.custodianId === "schwab");
      expect(atSchwab.length).toBeGreaterThan(1);
      expect(schwab.orders).toHaveLength(atSchwab.length);
      for (const order of atSchwab) {
        const clientId = clientOrderIdentifierOf(order.idempotencyKey);
        const placements = schwab.orders.filter((o) => o.clientOrderIdentifier === clientId);
        expect(placements, order.security.symbol).toHaveLength(1);
        expect(order.custodianOrderId).toBe(String(placements[0]?.orderNumber));
        // The order in flight at the crash was sent again (attempt 2) with the same identifier, and
        // refused as used; every other order was sent once.
        const sent = clientIdsPosted().filter((id) => id === clientId);
        expect([order.security.symbol, sent.length, order.attempts]).toEqual(
          order.id === inFlightId ? [order.security.symbol, 2, 2] : [order.security.symbol, 1, 1],
        );
      }
      expect(new Set(clientIdsPosted()).size).toBe(atSchwab.length);
    });
    // The venue said so: the retry found the order the first attempt placed.
    const texts = slack.calls.map(
      (c) => `${String(c.args.text ?? "")} ${JSON.stringify(c.args.blocks ?? "")}`,
    );
    expect(
      texts.some((t) => t.includes(`order ${placed?.orderNumber} (an earlier attempt went through)`)),
    ).toBe(true);
    await next.kill();
  }, 240_000);
});

function buttonValue(card: SlackCall): { planId: string; planHash: string } {
  const blocks = card.args.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  const button = blocks
    .flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []))
    .find((e) => e.action_id === "approve_plan");
  return JSON.parse(button?.value ?? "{}") as { planId: string; planHash: string };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
