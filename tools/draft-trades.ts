// Drafts a household's rebalance and harvest plan with the rules engine and stores it, immutable,
// for the plan card and the approval button. Drafting is all it does: nothing is approved or sent.
import { z } from "zod";
import { authorize, can } from "../src/access/authorize.ts";
import { principalId } from "../src/access/principal.ts";
import { Decimal, sumDecimals } from "../src/domain/decimal.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import type { Plan, PlanSettings } from "../src/engine/planning/plan.ts";
import { type PlanRefusal, planHousehold } from "../src/planning/plan-household.ts";
import { householdNotFound, refusal } from "./household.ts";
import {
  amountInput,
  dateOutput,
  decimalOutput,
  householdIdInput,
  money,
  moneyOutput,
  refuse,
  success,
} from "./schemas.ts";
import type { ToolOutcome } from "./tool.ts";
import { defineTool } from "./tool.ts";

const DEFAULT_PLAN_TTL_MINUTES = 15;

const options = z
  .object({
    gainBudget: amountInput(
      "Cap on the household's net realised gains for the calendar year (year to date plus this plan), in dollars.",
    ),
    gainBudgetMode: z
      .enum(["hard", "soft"])
      .describe("hard (default): sales at a gain stop at the budget; soft: the plan only warns."),
    shortTermGains: z
      .enum(["last", "never"])
      .describe(
        "last (default): short-term gains are realised only after everything else; never: not at all.",
      ),
    harvestWhenInBand: z.boolean().describe("Harvest losses even when every asset class is within its band."),
    minTradeAmount: amountInput("Smallest trade worth drafting, in dollars (default 100)."),
    allowStale: z
      .boolean()
      .describe("Draft on stale data. Only when the advisor has explicitly asked for a plan on stale data."),
  })
  .partial()
  .strict()
  .refine((o) => o.gainBudgetMode === undefined || o.gainBudget !== undefined, {
    message: "gainBudgetMode needs gainBudget",
    path: ["gainBudgetMode"],
  });

const input = z.object({ householdId: householdIdInput, options: options.optional() }).strict();

const tradeOutput = z.object({
  index: z.number().int(),
  accountId: z.string(),
  account: z.string(),
  side: z.enum(["buy", "sell"]),
  symbol: z.string(),
  quantity: decimalOutput,
  price: decimalOutput,
  amount: moneyOutput,
  purposes: z.array(z.enum(["rebalance", "harvest", "replacement"])),
  /** Replacement buys: the symbol sold at a loss. */
  replaces: z.string().nullable(),
});

const output = z.object({
  /** Null when nothing was drafted (an empty plan is not stored). */
  planId: z.string().nullable(),
  planHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** "pending-approval" for a new plan, "empty" when there is nothing to trade. */
  status: z.string(),
  stale: z.boolean(),
  tradeDate: dateOutput,
  expiresAt: z.string().nullable(),
  model: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  summary: z.object({
    trades: z.number().int(),
    sells: z.number().int(),
    buys: z.number().int(),
    realized: z.object({
      yearToDate: moneyOutput,
      shortTerm: moneyOutput,
      longTerm: moneyOutput,
      total: moneyOutput,
    }),
    /** shortTerm x short-term rate + longTerm x long-term rate; negative when the plan saves tax. */
    estimatedTax: moneyOutput,
    harvestedLosses: moneyOutput,
    totalValue: moneyOutput,
    outOfBandBefore: z.array(z.string()),
    outOfBandAfter: z.array(z.string()),
  }),
  trades: z.array(tradeOutput),
  harvested: z.array(
    z.object({
      lotKey: z.string(),
      symbol: z.string(),
      loss: moneyOutput,
      replacement: z.string().nullable(),
      rebuyFrom: dateOutput,
    }),
  ),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
});

type Options = z.infer<typeof options>;
type Output = z.infer<typeof output>;

export const draftTradesTool = defineTool({
  name: "draft_trades",
  description:
    "Drafts the household's rebalance and tax-loss-harvest plan with the rules engine and stores it as an " +
    "immutable plan awaiting approval; returns the plan id and hash, a summary (trade counts, realised gains " +
    "by term, estimated tax, harvested losses, classes still out of band), the trades, warnings and reasons " +
    "for anything left undone. It does NOT approve, submit or execute anything: an authorised person " +
    "approves on the plan card. Drafting the same inputs again returns the same plan. Put figures the " +
    'advisor gives into options as decimal strings (a gain budget of $20,000 is gainBudget: "20000"). ' +
    "Refuses stale data (plan.stale) unless the advisor explicitly asked for a plan on stale data.",
  input,
  output,
  async run({ householdId, options: given = {} }, context): Promise<ToolOutcome<Output>> {
    const allowed = authorize(context.principal, "household.draft", householdId);
    if (!allowed.ok) {
      // Someone who may read the household (an approver, compliance) knows it exists: say why.
      return can(context.principal, "household.read", householdId)
        ? refuse(
            "forbidden",
            `you may read ${householdId} but not draft for it: drafting needs the advisor role for the household`,
          )
        : refusal(allowed.error);
    }
    const drafted = await planHousehold(context.store, {
      householdId,
      asOf: context.tradeDate,
      now: context.now,
      allowStale: context.allowStale || given.allowStale === true,
      settings: settingsFrom(given),
    });
    if (!drafted.ok) return refused(householdId, drafted.error);
    const { plan, json, hash } = drafted.value;
    if (plan.status === "empty") return success(describe(plan, hash, null));
    const stored = await context.plans.savePlan({
      plan,
      json,
      hash,
      settings: plan.settings,
      conversationId: context.conversationId,
      requestedBy: principalId(context.principal),
      expiresAt: new Date(
        Date.parse(context.now) + (context.planTtlMinutes ?? DEFAULT_PLAN_TTL_MINUTES) * 60_000,
      ).toISOString(),
    });
    return success(describe(plan, hash, stored));
  },
});

function settingsFrom(options: Options): PlanSettings {
  const d = DEFAULT_PLAN_SETTINGS;
  return {
    ...d,
    shortTermGains: options.shortTermGains ?? d.shortTermGains,
    gainBudget:
      options.gainBudget === undefined
        ? d.gainBudget
        : { limit: new Decimal(options.gainBudget), mode: options.gainBudgetMode ?? "hard" },
    minTradeAmount:
      options.minTradeAmount === undefined ? d.minTradeAmount : new Decimal(options.minTradeAmount),
    harvestWhenInBand: options.harvestWhenInBand ?? d.harvestWhenInBand,
  };
}

function refused(householdId: string, problem: PlanRefusal): ToolOutcome<Output> {
  if (problem.code === "plan.no-household") return refusal(householdNotFound(householdId));
  if (problem.code === "plan.no-model") {
    return refuse(problem.code, `${householdId} has no target model in force, so no plan can be drafted`);
  }
  if (problem.code !== "plan.stale" || !problem.freshness) return refuse(problem.code, problem.message);
  const { staleInputs, maxAgeSeconds } = problem.freshness;
  const oldest = staleInputs[0];
  const age = oldest?.ageSeconds == null ? "of unknown age" : ageText(oldest.ageSeconds);
  return refuse(
    "plan.stale",
    `the data is stale: ${staleInputs.length} input(s) are older than the ${maxAgeSeconds} s limit; the oldest, ` +
      `${oldest?.label ?? "an input"}, is ${age} (as of ${oldest?.asOf}). No plan was drafted. Refresh the ` +
      "positions and prices, or draft on stale data only if the advisor explicitly asks for a plan on stale " +
      "data (options.allowStale); that plan is marked stale.",
  );
}

function ageText(seconds: number): string {
  if (seconds < 120) return `${seconds} s old`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min old`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)} h old`;
  return `${Math.floor(seconds / 86400)} days old`;
}

function describe(
  plan: Plan,
  hash: string,
  stored: { id: string; status: string; expiresAt: string } | null,
): Output {
  const outOfBand = (classes: Plan["drift"]["before"]) =>
    classes.filter((c) => c.outOfBand).map((c) => c.assetClassId);
  return {
    planId: stored?.id ?? null,
    planHash: hash,
    status: stored?.status ?? "empty",
    stale: plan.stale,
    tradeDate: plan.asOf,
    expiresAt: stored?.expiresAt ?? null,
    model: plan.model ? { name: plan.model.name, version: plan.model.version } : null,
    summary: {
      trades: plan.trades.length,
      sells: plan.trades.filter((t) => t.side === "sell").length,
      buys: plan.trades.filter((t) => t.side === "buy").length,
      realized: {
        yearToDate: plan.realized.yearToDate,
        shortTerm: plan.realized.shortTerm,
        longTerm: plan.realized.longTerm,
        total: plan.realized.total,
      },
      estimatedTax: plan.realized.estimatedTax,
      harvestedLosses: money(sumDecimals(plan.harvested.map((h) => new Decimal(h.loss)))),
      totalValue: plan.drift.totalValue,
      outOfBandBefore: outOfBand(plan.drift.before),
      outOfBandAfter: outOfBand(plan.drift.after),
    },
    trades: plan.trades.map((t) => ({
      index: t.index,
      accountId: t.accountId,
      account: t.accountName,
      side: t.side,
      symbol: t.symbol,
      quantity: t.quantity,
      price: t.price,
      amount: t.amount,
      purposes: t.purposes,
      replaces: t.replaces?.symbol ?? null,
    })),
    harvested: plan.harvested.map((h) => ({
      lotKey: h.lotKey,
      symbol: h.symbol,
      loss: h.loss,
      replacement: h.replacement,
      rebuyFrom: h.rebuyFrom,
    })),
    warnings: plan.warnings.map(({ code, message }) => ({ code, message })),
    reasons: plan.reasons.map(({ code, message }) => ({ code, message })),
  };
}
