// Where each plan's card was posted (team, channel, thread, message), so order updates that arrive
// later (the outbox worker, a retry after a restart) reach the right thread. Kept in memory and in
// the audit log (stream "slack:plan:<planId>", event "slack.card.posted"), which survives restarts.
import type { AuditLog } from "../ports/audit-log.ts";

export interface CardLocation {
  teamId: string;
  channel: string;
  threadTs: string;
  /** The card message. */
  messageTs: string;
  conversationId: string | null;
  /** The Slack user who asked for the plan there. */
  askedBy: string | null;
}

export interface CardRegistry {
  remember(planId: string, location: CardLocation): Promise<void>;
  find(planId: string): Promise<CardLocation | null>;
}

export const cardStream = (planId: string) => `slack:plan:${planId}`;

export function createCardRegistry(audit: AuditLog): CardRegistry {
  const known = new Map<string, CardLocation>();
  return {
    async remember(planId, location) {
      known.set(planId, location);
      await audit.append({
        stream: cardStream(planId),
        type: "slack.card.posted",
        actor: "system",
        payload: { planId, ...location },
      });
    },
    async find(planId) {
      const cached = known.get(planId);
      if (cached) return cached;
      const events = await audit.read(cardStream(planId));
      const last = events.filter((e) => e.type === "slack.card.posted").at(-1);
      const location = last ? toLocation(last.payload) : null;
      if (location) known.set(planId, location);
      return location;
    },
  };
}

function toLocation(payload: unknown): CardLocation | null {
  if (typeof payload !== "object" || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const str = (key: string) => (typeof p[key] === "string" ? (p[key] as string) : null);
  const teamId = str("teamId");
  const channel = str("channel");
  const threadTs = str("threadTs");
  const messageTs = str("messageTs");
  if (teamId === null || channel === null || threadTs === null || messageTs === null) return null;
  return {
    teamId,
    channel,
    threadTs,
    messageTs,
    conversationId: str("conversationId"),
    askedBy: str("askedBy"),
  };
}
