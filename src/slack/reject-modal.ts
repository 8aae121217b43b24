// The dialog the Reject button opens: a required reason, and the card it came from (in
// private_metadata) so the outcome lands on the right message.
import type { types } from "@slack/bolt";
import { type CardRef, encodeCardRef, REASON_BLOCK, REASON_INPUT, REJECT_VIEW } from "./plan-button-value.ts";

export function rejectModal(card: CardRef): types.ModalView {
  return {
    type: "modal",
    callback_id: REJECT_VIEW,
    private_metadata: encodeCardRef(card),
    title: { type: "plain_text", text: "Reject plan" },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Reject plan \`${card.planId}\`? Nothing will be sent; the reason is recorded and shown on the card.`,
        },
      },
      {
        type: "input",
        block_id: REASON_BLOCK,
        label: { type: "plain_text", text: "Reason" },
        element: {
          type: "plain_text_input",
          action_id: REASON_INPUT,
          multiline: true,
          min_length: 3,
          max_length: 500,
          placeholder: { type: "plain_text", text: "Why is this plan rejected?" },
        },
      },
    ],
  };
}
