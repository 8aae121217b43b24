// Posts order progress to the plan's thread: one board message per plan, edited as updates arrive
// (from the approval click's drain, or from the background outbox worker via `notify`). Updates for
// a plan whose card this app never posted are logged and dropped.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../logger.ts";
import type { PlanStore } from "../ports/plan-store.ts";
import type { CardRegistry } from "./card-registry.ts";
import { orderBoard } from "./order-board.ts";
import type { OrderUpdate } from "./slack-deps.ts";

interface Board {
  channel: string;
  threadTs: string;
  ts: string | null;
  updates: Map<string, OrderUpdate>;
  accountNames: Record<string, string>;
  chain: Promise<void>;
  /** An edit is queued and will show every update recorded until it runs. */
  queued: boolean;
}

export interface OrderUpdates {
  notify(update: OrderUpdate): Promise<void>;
  /** Waits for the plan's board edits; the plan's orders so far (latest update of each). */
  settle(planId: string): Promise<OrderUpdate[]>;
}

export function createOrderUpdates(deps: {
  client: webApi.WebClient;
  registry: CardRegistry;
  plans: PlanStore;
  logger: Logger;
}): OrderUpdates {
  const boards = new Map<string, Promise<Board | null>>();

  const boardFor = (planId: string): Promise<Board | null> => {
    let board = boards.get(planId);
    if (!board) {
      board = (async () => {
        const location = await deps.registry.find(planId);
        if (!location) return null;
        const stored = await deps.plans.getPlan(planId);
        const accountNames: Record<string, string> = {};
        for (const trade of stored?.plan.trades ?? []) accountNames[trade.accountId] = trade.accountName;
        return {
          channel: location.channel,
          threadTs: location.threadTs,
          ts: null,
          updates: new Map(),
          accountNames,
          chain: Promise.resolve(),
          queued: false,
        };
      })();
      boards.set(planId, board);
    }
    return board;
  };

  const publish = async (planId: string, board: Board) => {
    const message = orderBoard(planId, [...board.updates.values()], board.accountNames);
    try {
      if (board.ts === null) {
        const posted = await deps.client.chat.postMessage({
          channel: board.channel,
          thread_ts: board.threadTs,
          ...message,
        });
        board.ts = posted.ts ?? null;
      } else {
        await deps.client.chat.update({ channel: board.channel, ts: board.ts, ...message });
      }
    } catch (error) {
      deps.logger.warn({ err: error, planId }, "could not post order updates to Slack");
    }
  };

  return {
    async notify(update) {
      const board = await boardFor(update.planId);
      if (!board) {
        deps.logger.info(
          { planId: update.planId, orderId: update.orderId, status: update.status },
          "order update for a plan with no Slack card; not posted",
        );
        return;
      }
      board.updates.set(update.orderId, update);
      if (!board.queued) {
        board.queued = true;
        board.chain = board.chain.then(() => {
          board.queued = false;
          return publish(update.planId, board);
        });
      }
      await board.chain;
    },
    async settle(planId) {
      const board = await boards.get(planId);
      if (!board) return [];
      await board.chain;
      return [...board.updates.values()];
    },
  };
}
