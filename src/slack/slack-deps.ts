// What the Slack front end needs from the rest of lotwise, injected (main.ts / the serve command wire
// the real ones; tests pass fakes or the real stores). src/slack computes no figure and reads no
// database: it formats what these return and sends it to Slack.
import type { Principal } from "../access/principal.ts";
import type { Answer } from "../agent/answer-request.ts";
import type { DecisionOutcome, DecisionRequest } from "../approval/decide-plan.ts";
import type { OrderUpdate } from "../execution/drain-outbox.ts";
import type { Logger } from "../logger.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { Clock } from "../ports/clock.ts";
import type { ConversationStore } from "../ports/conversation-store.ts";
import type { PlanStore } from "../ports/plan-store.ts";

/** One request to the assistant from a Slack thread (or the local terminal front end). */
export interface SlackAnswerRequest {
  /** "slack:<team>:<channel>:<thread_ts>" (or "local:<session>" in the terminal). */
  threadKey: string;
  userText: string;
  /** Who asked, resolved once at the edge: what they may see and draft, and the plan's requester (four eyes). */
  principal: Principal;
  /** Called as each tool starts, with a short label ("Drafting trades (draft_trades)"). */
  onProgress: (label: string) => void;
}

// The approval service's and the execution worker's own types: one definition each.
export type {
  DecisionOutcome,
  DecisionRefusal as DecisionRefusalCode,
  DecisionRequest,
} from "../approval/decide-plan.ts";
export type { OrderUpdate } from "../execution/drain-outbox.ts";

/** Names the card shows that the plan JSON does not carry. */
export interface HouseholdLabel {
  name: string;
  /** Custodian name by account id. */
  custodians: Record<string, string>;
}

export interface SlackDeps {
  /** The assistant end to end (answerRequest with progress): see createSlackAnswer. */
  answer: (request: SlackAnswerRequest) => Promise<Answer>;
  /** The approval service: authorisation, expiry, hash, freshness and wash-sale re-checks, one transaction. */
  decide: (request: DecisionRequest) => Promise<DecisionOutcome>;
  /**
   * Sends an approved plan's queued orders (drains the outbox), reporting each order's progress
   * through `notify`; resolves when this drain is done.
   */
  executeApproved: (planId: string, notify: (update: OrderUpdate) => Promise<void>) => Promise<void>;
  plans: PlanStore;
  conversations: ConversationStore;
  audit: AuditLog;
  /** A Slack user id to who that is in lotwise (an unknown or deactivated id is `unknown`). */
  principalOf: (slackUserId: string) => Promise<Principal>;
  /** Hosts the assistant's replies may link to (LOTWISE_LINK_HOSTS); none by default. */
  linkHosts?: readonly string[];
  /** The household's name and each account's custodian, for the card (null: unknown household). */
  households?: (householdId: string) => Promise<HouseholdLabel | null>;
  /** `/lotwise audit <plan id>`: the compliance report (refused for anyone without the role). */
  auditPlan?: (
    planId: string,
    slackUserId: string,
  ) => Promise<{ ok: true; text: string } | { ok: false; message: string }>;
  clock: Clock;
  logger: Logger;
}
