// `/lotwise audit <plan id>` in Slack: for users with the compliance role only, the plan's
// conversation as a short transcript and the replay verdicts (tool calls re-run, plan re-derived).
import type { Tool } from "../../tools/tool.ts";
import { can } from "../access/authorize.ts";
import { actorOf, resolveUser } from "../access/principal.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { BookStore } from "../ports/book-store.ts";
import type { PlanStore } from "../ports/plan-store.ts";
import type { UserStore } from "../ports/user-store.ts";
import { replayConversation } from "./replay-conversation.ts";
import { replayPlan } from "./replay-plan.ts";

export interface ComplianceReportDeps {
  audit: AuditLog;
  store: BookStore;
  plans: PlanStore;
  users: UserStore;
  tools: readonly Tool[];
}

export type ComplianceReport = { ok: true; text: string } | { ok: false; message: string };

const TRANSCRIPT_LINES = 25;

export async function complianceReport(
  deps: ComplianceReportDeps,
  planId: string,
  slackUserId: string,
): Promise<ComplianceReport> {
  const principal = await resolveUser(deps.users, slackUserId);
  if (!can(principal, "audit.read")) {
    return { ok: false, message: "Only compliance (or an admin) can audit plans; ask an admin." };
  }
  await deps.audit.append({
    stream: `plan:${planId}`,
    type: "audit.requested",
    actor: actorOf(principal),
    payload: { planId },
  });
  const plan = await replayPlan(deps, planId);
  if (plan.verdict === "not-replayable" && plan.storedHash === null)
    return { ok: false, message: plan.message };
  const lines = [`*Audit of ${planId}*`, `Plan: *${plan.verdict}* (${plan.message})`];
  for (const d of plan.differences.slice(0, 10)) {
    lines.push(`• ${d.path}: recorded ${JSON.stringify(d.recorded)}, replayed ${JSON.stringify(d.replayed)}`);
  }
  const drafted = (await deps.audit.read(`plan:${planId}`)).find((e) => e.type === "plan.drafted");
  const conversationId = (drafted?.payload as { conversationId?: string } | undefined)?.conversationId;
  if (conversationId) {
    const replay = await replayConversation(deps, `conversation:${conversationId}`);
    const same = replay.tools.filter((t) => t.verdict === "same").length;
    lines.push(
      `Conversation ${conversationId}: chain ${replay.chain.length === 0 ? "intact" : "BROKEN"}; ${same}/${replay.tools.length} tool calls give the same output; ${replay.reproduced ? "reproduced" : "NOT reproduced"}.`,
      "Transcript:",
      ...replay.transcript
        .slice(0, TRANSCRIPT_LINES)
        .map((t) => `\`${t.at.slice(0, 19)}Z\` ${t.who}: ${t.text.slice(0, 200)}`),
    );
    if (replay.transcript.length > TRANSCRIPT_LINES) {
      lines.push(
        `… ${replay.transcript.length - TRANSCRIPT_LINES} more; \`lotwise audit replay --thread ${conversationId}\` prints all.`,
      );
    }
  } else {
    lines.push("No conversation is recorded for this plan.");
  }
  return { ok: true, text: lines.join("\n") };
}
