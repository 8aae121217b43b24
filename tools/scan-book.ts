// The book-wide sweep for the asker: every household they may read (an advisor sees their slice),
// ranked by the tax value of the losses they could harvest today, then by drift. Drafts nothing.
import { z } from "zod";
import { parseDecimal } from "../src/domain/decimal.ts";
import { parseIsoDate } from "../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { scanBook } from "../src/planning/scan-book.ts";
import { amountInput, dateOutput, money, moneyOutput, refuse, success } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const DEFAULT_ROWS = 10;
const MAX_ROWS = 50;

const input = z
  .object({
    minLoss: amountInput(
      'Smallest loss per lot worth harvesting, in dollars (default "500"). Use it when the advisor names a threshold.',
    ).optional(),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_ROWS)
      .optional()
      .describe(
        `How many of the top-ranked households to return (default ${DEFAULT_ROWS}, at most ${MAX_ROWS}).`,
      ),
    asOf: dateOutput
      .optional()
      .describe("Trade date as YYYY-MM-DD; default today. Only when the advisor asks about another day."),
  })
  .strict();

const driftOutput = z.string().regex(/^\d+\.\d{4}$/);

const row = z.object({
  householdId: z.string(),
  name: z.string(),
  rank: z.number().int(),
  outOfBand: z.boolean(),
  classesOutOfBand: z.array(z.string()),
  /** The largest |actual - target| weight over the classes (0.0712 = 7.12 points). */
  maxDrift: driftOutput,
  harvestableLoss: moneyOutput,
  taxValue: moneyOutput,
  harvestableLots: z.number().int(),
  blockedByWash: z.number().int(),
  nextClearDate: dateOutput.nullable(),
  stale: z.boolean(),
  unreconciled: z.number().int(),
  awaitingApproval: z.number().int(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
});

const output = z.object({
  scanId: z.string(),
  asOf: dateOutput,
  /** Households scanned (every one the asker may read). */
  households: z.number().int(),
  thresholds: z.object({ minLoss: moneyOutput }),
  totals: z.object({
    outOfBand: z.number().int(),
    harvestableLoss: moneyOutput,
    taxValue: moneyOutput,
    harvestableLots: z.number().int(),
    blockedByWash: z.number().int(),
    stale: z.number().int(),
    awaitingApproval: z.number().int(),
    unreconciled: z.number().int(),
  }),
  /** The top-ranked households, best first. */
  rows: z.array(row),
});

export const scanBookTool = defineTool({
  name: "scan_book",
  description:
    "Sweeps every household the advisor may see (their whole book) and ranks them by what acting is " +
    "worth today: the estimated tax value of losses harvestable now (lots meeting the thresholds, not " +
    "blocked by a wash sale), then drift from the model. Use it for questions about the book rather " +
    'than one household: "which of my households have losses worth harvesting?", "what should I look ' +
    'at today?". Per household: out-of-band classes, maxDrift (a weight: 0.0712 = 7.12 points), ' +
    "harvestableLoss and taxValue (dollars), harvestable lots, lots blocked by a wash-sale window and " +
    "the date the first clears (nextClearDate), stale or unreconciled data, plans awaiting approval, " +
    "and reason codes. Totals cover every household scanned, not only the rows returned. Nothing is " +
    "drafted: use draft_trades on a household to act.",
  input,
  output,
  async run({ minLoss, limit, asOf }, context) {
    const tradeDate = asOf === undefined ? context.tradeDate : parseIsoDate(asOf);
    if (!tradeDate) return refuse("scan.bad-date", `${asOf} is not a calendar date`);
    const settings = {
      ...DEFAULT_PLAN_SETTINGS,
      minLossAmount:
        minLoss === undefined
          ? DEFAULT_PLAN_SETTINGS.minLossAmount
          : (parseDecimal(minLoss) ?? DEFAULT_PLAN_SETTINGS.minLossAmount),
    };
    const scan = await scanBook(
      { store: context.store, plans: context.plans },
      { principal: context.principal, asOf: tradeDate, now: context.now, settings },
    );
    return success({
      scanId: scan.scanId,
      asOf: scan.asOf,
      households: scan.households,
      thresholds: { minLoss: money(settings.minLossAmount) },
      totals: scan.totals,
      rows: scan.rows.slice(0, limit ?? DEFAULT_ROWS),
    });
  },
});
