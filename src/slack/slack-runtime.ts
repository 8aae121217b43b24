// What every listener shares: the injected deps, the Web API client, where cards are, order boards,
// and the background runner that does the work after Slack has been acknowledged.
import type { webApi } from "@slack/bolt";
import type { Background } from "./background.ts";
import type { CardRegistry } from "./card-registry.ts";
import type { OrderUpdates } from "./order-updates.ts";
import type { SlackDeps } from "./slack-deps.ts";

export interface SlackRuntime {
  deps: SlackDeps;
  client: webApi.WebClient;
  registry: CardRegistry;
  orders: OrderUpdates;
  background: Background;
}
