// What every listener shares: the injected deps, the Web API client, where cards are, order boards,
// and the queue that takes the work after Slack has been acknowledged.
import type { webApi } from "@slack/bolt";
import { type CardRegistry, createCardRegistry } from "./card-registry.ts";
import { createOrderUpdates, type OrderUpdates } from "./order-updates.ts";
import type { SlackDeps } from "./slack-deps.ts";
import type { SlackWorkQueue } from "./slack-work-queue.ts";

export interface SlackRuntime {
  deps: SlackDeps;
  client: webApi.WebClient;
  registry: CardRegistry;
  orders: OrderUpdates;
  work: SlackWorkQueue;
}

/** `work` hands work over; it gets the runtime, to do the work in this process or a job's. */
export function createSlackRuntime(
  deps: SlackDeps,
  client: webApi.WebClient,
  work: (rt: SlackRuntime) => SlackWorkQueue,
): SlackRuntime {
  const registry = createCardRegistry(deps.audit);
  const orders = createOrderUpdates({ client, registry, plans: deps.plans, logger: deps.logger });
  const rt = { deps, client, registry, orders } as SlackRuntime;
  rt.work = work(rt);
  return rt;
}
