// What every listener shares: the injected deps, the Web API client, where cards are, order boards,
// and the background runner that does the work after Slack has been acknowledged.
import type { webApi } from "@slack/bolt";
import { type Background, createBackground } from "./background.ts";
import { type CardRegistry, createCardRegistry } from "./card-registry.ts";
import { createOrderUpdates, type OrderUpdates } from "./order-updates.ts";
import type { SlackDeps } from "./slack-deps.ts";

export interface SlackRuntime {
  deps: SlackDeps;
  client: webApi.WebClient;
  registry: CardRegistry;
  orders: OrderUpdates;
  background: Background;
}

export function createSlackRuntime(deps: SlackDeps, client: webApi.WebClient): SlackRuntime {
  const registry = createCardRegistry(deps.audit);
  return {
    deps,
    client,
    registry,
    orders: createOrderUpdates({ client, registry, plans: deps.plans, logger: deps.logger }),
    background: createBackground(deps.logger),
  };
}
