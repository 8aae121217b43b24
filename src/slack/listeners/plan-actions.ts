// The card's buttons. Approve (Slack has already shown its confirmation dialog) is acknowledged at
// once and decided after; Reject opens the reason dialog (only for someone who may read the plan's
// household), whose submission decides. The Slack user id of the signed payload is the identity; the
// approval service does the authorisation of every decision.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { can, forbidden } from "../../access/authorize.ts";
import { actorOf } from "../../access/principal.ts";
import {
  APPROVE_ACTION,
  type CardRef,
  type PlanRef,
  parseCardRef,
  parsePlanRef,
  REASON_BLOCK,
  REASON_INPUT,
  REJECT_ACTION,
  REJECT_VIEW,
} from "../plan-button-value.ts";
import { rejectModal } from "../reject-modal.ts";
import type { SlackRuntime } from "../slack-runtime.ts";

/** The card a click came from: the button's plan reference and the message it sits on. */
export function cardOf(body: BlockAction, ref: PlanRef): CardRef | null {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  if (!channel || !messageTs) return null;
  const threadTs = (body.message?.thread_ts as string | undefined) ?? body.container?.thread_ts ?? messageTs;
  return { ...ref, teamId: body.team?.id ?? "", channel, messageTs, threadTs };
}

export function listenToPlanActions(app: App, rt: SlackRuntime): void {
  const invalid = (body: BlockAction) => {
    const channel = body.channel?.id;
    if (!channel) return;
    return rt.work.enqueue(
      {
        kind: "post",
        channel,
        ephemeralTo: body.user.id,
        text: ":no_entry: This button does not carry a valid plan. Nothing was changed.",
      },
      `action:${body.trigger_id}`,
    );
  };

  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, async ({ ack, body, action }) => {
    const ref = parsePlanRef(action.value);
    const card = ref ? cardOf(body, ref) : null;
    // Recorded before Slack is told: an acknowledged click is never lost.
    if (!card) await invalid(body);
    else {
      await rt.work.enqueue(
        { kind: "decide", card, userId: body.user.id, decision: "approve" },
        `action:${body.trigger_id}`,
      );
    }
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(REJECT_ACTION, async ({ ack, body, action }) => {
    await ack();
    const ref = parsePlanRef(action.value);
    const card = ref ? cardOf(body, ref) : null;
    if (!card) return invalid(body);
    // trigger_id is valid for 3 s: check and open the dialog now, not in the background.
    try {
      const refusal = await refuseUnreadablePlan(rt, card.planId, body.user.id);
      if (refusal) {
        await rt.work.enqueue(
          {
            kind: "post",
            channel: card.channel,
            threadTs: card.threadTs,
            ephemeralTo: body.user.id,
            text: `:no_entry: ${refusal} Nothing was changed.`,
          },
          `action:${body.trigger_id}`,
        );
        return;
      }
      await rt.client.views.open({ trigger_id: body.trigger_id, view: rejectModal(card) });
    } catch (error) {
      rt.deps.logger.warn({ err: error, planId: card.planId }, "could not open the reject dialog");
    }
  });

  app.view(REJECT_VIEW, async ({ ack, body, view }) => {
    const card = parseCardRef(view.private_metadata);
    const reason = (view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value ?? "").trim();
    if (card && reason === "") {
      await ack({
        response_action: "errors",
        errors: { [REASON_BLOCK]: "Give a reason for rejecting the plan." },
      });
      return;
    }
    if (!card) {
      await ack();
      rt.deps.logger.warn({ user: body.user.id }, "reject dialog without a valid card reference");
      return;
    }
    await rt.work.enqueue(
      { kind: "decide", card, userId: body.user.id, decision: "reject", reason },
      `view:${body.view.id}`,
    );
    await ack();
  });
}

/**
 * The refusal (audited) when the clicker may not read the plan's household, whatever else the dialog
 * would show; null when they may. A plan lotwise does not have is refused the same way.
 */
async function refuseUnreadablePlan(
  rt: SlackRuntime,
  planId: string,
  slackUserId: string,
): Promise<string | null> {
  const principal = await rt.deps.principalOf(slackUserId);
  const stored = await rt.deps.plans.getPlan(planId);
  if (stored && can(principal, "household.read", stored.householdId)) return null;
  const { message } = forbidden(principal);
  await rt.deps.audit.append({
    stream: `plan:${planId}`,
    type: "access.refused",
    actor: actorOf(principal),
    payload: { action: "household.read", surface: "reject-dialog", message },
  });
  return message;
}
