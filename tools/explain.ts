// Why: the reason codes and messages behind a trade, a lot, a security, an asset class or a reason
// code, from the household's latest drafted plan and a fresh harvest scan. Nothing is computed
// here that the engine has not already said.
import { z } from "zod";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { findHarvestableLots, type HarvestScan } from "../src/engine/planning/find-harvestable-lots.ts";
import type { Plan, PlanFinding, PlanHarvest, PlanTrade } from "../src/engine/planning/plan.ts";
import type { PlanningInputs } from "../src/ports/book-store.ts";
import type { StoredPlan } from "../src/ports/plan-store.ts";
import { familiesOf, loadHousehold, policyOf, refusal } from "./household.ts";
import {
  dateOutput,
  decimalOutput,
  findingOutput,
  householdIdInput,
  money,
  moneyOutput,
  refuse,
  success,
  termOutput,
  weightOutput,
} from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z
  .object({
    householdId: householdIdInput,
    subject: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe(
        'What to explain: "trade 3" (by its index in the latest plan), a lot key, a symbol ("VOO"), an ' +
          'asset class id ("us_equity") or a reason code ("sell.wash-sale").',
      ),
  })
  .strict();

const KINDS = ["trade", "lot", "symbol", "asset-class", "code"] as const;
type Kind = (typeof KINDS)[number];

const output = z.object({
  householdId: z.string(),
  subject: z.string(),
  kind: z.enum(KINDS),
  plan: z
    .object({
      planId: z.string(),
      planHash: z.string(),
      tradeDate: dateOutput,
      status: z.string(),
      createdAt: z.string(),
    })
    .nullable(),
  trades: z.array(
    z.object({
      index: z.number().int(),
      accountId: z.string(),
      account: z.string(),
      side: z.enum(["buy", "sell"]),
      symbol: z.string(),
      assetClassId: z.string(),
      quantity: decimalOutput,
      amount: moneyOutput,
      purposes: z.array(z.string()),
      replaces: z.object({ symbol: z.string(), allowedBecause: z.string() }).nullable(),
      lots: z.array(
        z.object({
          lotKey: z.string(),
          acquiredDate: dateOutput,
          quantity: decimalOutput,
          basis: moneyOutput.nullable(),
          gainLoss: moneyOutput.nullable(),
          term: termOutput.nullable(),
        }),
      ),
    }),
  ),
  drift: z.array(
    z.object({
      when: z.enum(["before", "after"]),
      assetClassId: z.string(),
      targetWeight: weightOutput,
      actualWeight: weightOutput,
      lowerBand: weightOutput,
      upperBand: weightOutput,
      outOfBand: z.boolean(),
    }),
  ),
  harvested: z.array(
    z.object({
      lotKey: z.string(),
      symbol: z.string(),
      loss: moneyOutput,
      term: termOutput,
      replacement: z.string().nullable(),
      rebuyFrom: dateOutput,
    }),
  ),
  /** Lots the fresh scan finds harvestable today. */
  harvestable: z.array(
    z.object({
      lotKey: z.string(),
      accountId: z.string(),
      symbol: z.string(),
      loss: moneyOutput,
      term: termOutput,
      rebuyFrom: dateOutput,
    }),
  ),
  findings: z.array(findingOutput.extend({ source: z.enum(["plan", "scan"]) })),
});

type Output = z.infer<typeof output>;

/** Which plan entries and scan results a subject is about. */
interface Matcher {
  kind: Kind;
  trade(trade: PlanTrade): boolean;
  finding(finding: PlanFinding): boolean;
  lot(lotKey: string, symbol: string): boolean;
  harvest(harvest: PlanHarvest): boolean;
  assetClassId: string | null;
}

export const explainTool = defineTool({
  name: "explain",
  description:
    "Explains with reason codes why something is or is not in the household's latest drafted plan: a " +
    'trade ("trade 3", by the index draft_trades returned), a lot (its lot key), a security (a symbol), an ' +
    "asset class (its id) or a reason code. Returns the matching trades with their lots, drift before and " +
    "after for a class, harvested losses, lots harvestable today, and every matching finding (warnings, " +
    "reasons, lots not harvested) from the plan and from a fresh harvest scan. Use its messages to answer " +
    "'why' questions instead of reasoning about the numbers yourself.",
  input,
  output,
  async run({ householdId, subject }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const inputs = loaded.value;
    const stored = await context.plans.latestPlan(inputs.book.householdId);
    const plan = stored?.plan ?? null;
    const tradeNumber = /^trade\s*#?\s*(\d+)$/i.exec(subject)?.[1];
    let matcher: Matcher | null;
    if (tradeNumber === undefined) {
      matcher = matcherFor(subject, inputs, plan);
    } else {
      if (!plan) {
        return refuse(
          "explain.no-plan",
          `${inputs.book.householdId} has no drafted plan: call draft_trades first`,
        );
      }
      const trade = plan.trades.find((t) => t.index === Number(tradeNumber));
      if (!trade) {
        return refuse(
          "explain.no-trade",
          `the latest plan has trades 0 to ${plan.trades.length - 1}, not trade ${tradeNumber}`,
        );
      }
      matcher = tradeMatcher(trade);
    }
    if (!matcher) {
      return refuse(
        "explain.no-match",
        `"${subject}" is not a trade, lot key, symbol, asset class or reason code of ${inputs.book.householdId}`,
      );
    }
    return success(explanation(inputs, stored, subject, matcher, scanOf(inputs)));
  },
});

function matcherFor(subject: string, inputs: PlanningInputs, plan: Plan | null): Matcher | null {
  const { book } = inputs;
  const wanted = subject.toLowerCase();
  const lotKeys = new Set([
    ...book.lots.map((l) => l.lotKey),
    ...(plan?.trades.flatMap((t) => t.lots.map((l) => l.lotKey)) ?? []),
  ]);
  const lotKey = [...lotKeys].find((key) => key.toLowerCase() === wanted);
  if (lotKey) {
    return {
      kind: "lot",
      trade: (t) => t.lots.some((l) => l.lotKey === lotKey),
      finding: (f) => f.lotKey === lotKey,
      lot: (key) => key === lotKey,
      harvest: (h) => h.lotKey === lotKey,
      assetClassId: null,
    };
  }
  const symbol = [...book.securities.values()].find((s) => s.symbol.toLowerCase() === wanted)?.symbol;
  if (symbol) {
    return {
      kind: "symbol",
      trade: (t) => t.symbol === symbol || t.replaces?.symbol === symbol,
      finding: (f) => f.symbol === symbol,
      lot: (_, lotSymbol) => lotSymbol === symbol,
      harvest: (h) => h.symbol === symbol || h.replacement === symbol,
      assetClassId: null,
    };
  }
  const classId = wanted.replace(/[\s-]+/g, "_");
  const classes = new Set([
    ...[...book.securities.values()].map((s) => s.assetClassId),
    ...(plan?.drift.before.map((c) => c.assetClassId) ?? []),
  ]);
  if (classes.has(classId)) {
    const inClass = (symbol: string) =>
      [...book.securities.values()].some((s) => s.symbol === symbol && s.assetClassId === classId);
    return {
      kind: "asset-class",
      trade: (t) => t.assetClassId === classId,
      finding: (f) =>
        f.assetClassId === undefined
          ? f.symbol !== undefined && inClass(f.symbol)
          : f.assetClassId === classId,
      lot: (_, lotSymbol) => inClass(lotSymbol),
      harvest: (h) => inClass(h.symbol),
      assetClassId: classId,
    };
  }
  if (/^[a-z]+\.[a-z-]+$/.test(wanted)) {
    return {
      kind: "code",
      trade: () => false,
      finding: (f) => f.code === wanted,
      lot: () => false,
      harvest: () => false,
      assetClassId: null,
    };
  }
  return null;
}

function tradeMatcher(trade: PlanTrade): Matcher {
  const lots = new Set(trade.lots.map((l) => l.lotKey));
  return {
    kind: "trade",
    trade: (t) => t.index === trade.index,
    finding: (f) =>
      (f.lotKey !== undefined && lots.has(f.lotKey)) ||
      (f.symbol === trade.symbol && (f.accountId === undefined || f.accountId === trade.accountId)),
    lot: (key) => lots.has(key),
    harvest: (h) =>
      lots.has(h.lotKey) ||
      (trade.replaces !== null && h.replacement === trade.symbol && h.accountId === trade.accountId),
    assetClassId: trade.assetClassId,
  };
}

function scanOf(inputs: PlanningInputs): HarvestScan | null {
  const policy = policyOf(inputs);
  if (!policy.ok) return null;
  return findHarvestableLots(inputs.book, familiesOf(inputs, policy.value), DEFAULT_PLAN_SETTINGS);
}

function explanation(
  inputs: PlanningInputs,
  stored: StoredPlan | null,
  subject: string,
  matcher: Matcher,
  scan: HarvestScan | null,
): Output {
  const plan = stored?.plan ?? null;
  const planFindings = plan ? [...plan.warnings, ...plan.reasons, ...plan.notHarvested] : [];
  const scanFindings: PlanFinding[] = (scan?.skipped ?? []).map((s) => ({
    code: s.code,
    message: s.message,
    accountId: s.accountId,
    symbol: s.symbol,
    lotKey: s.lotKey,
    ...(s.harvestableFrom ? { from: s.harvestableFrom } : {}),
  }));
  // A gain lot is only worth mentioning when it is what was asked about.
  const relevant = (f: PlanFinding) =>
    matcher.finding(f) && (f.code !== "harvest.no-loss" || matcher.kind === "lot" || matcher.kind === "code");
  const inPlan = new Set(planFindings.map(findingKey));
  const classDrift = (when: "before" | "after", classes: Plan["drift"]["before"]) =>
    classes
      .filter((c) => c.assetClassId === matcher.assetClassId)
      .map((c) => ({
        when,
        assetClassId: c.assetClassId,
        targetWeight: c.targetWeight,
        actualWeight: c.actualWeight,
        lowerBand: c.lowerBand,
        upperBand: c.upperBand,
        outOfBand: c.outOfBand,
      }));
  return {
    householdId: inputs.book.householdId,
    subject,
    kind: matcher.kind,
    plan: stored
      ? {
          planId: stored.id,
          planHash: stored.hash,
          tradeDate: stored.plan.asOf,
          status: stored.status,
          createdAt: stored.createdAt,
        }
      : null,
    trades: (plan?.trades ?? []).filter(matcher.trade).map((t) => ({
      index: t.index,
      accountId: t.accountId,
      account: t.accountName,
      side: t.side,
      symbol: t.symbol,
      assetClassId: t.assetClassId,
      quantity: t.quantity,
      amount: t.amount,
      purposes: t.purposes,
      replaces: t.replaces,
      lots: t.lots.map(({ lotKey, acquiredDate, quantity, basis, gainLoss, term }) => ({
        lotKey,
        acquiredDate,
        quantity,
        basis,
        gainLoss,
        term,
      })),
    })),
    drift: plan ? [...classDrift("before", plan.drift.before), ...classDrift("after", plan.drift.after)] : [],
    harvested: (plan?.harvested ?? [])
      .filter(matcher.harvest)
      .map(({ lotKey, symbol, loss, term, replacement, rebuyFrom }) => ({
        lotKey,
        symbol,
        loss,
        term,
        replacement,
        rebuyFrom,
      })),
    harvestable: (scan?.candidates ?? [])
      .filter((c) => matcher.lot(c.lotKey, c.symbol))
      .map((c) => ({
        lotKey: c.lotKey,
        accountId: c.accountId,
        symbol: c.symbol,
        loss: money(c.loss),
        term: c.term,
        rebuyFrom: c.rebuyFrom,
      })),
    findings: [
      ...planFindings.filter(relevant).map((f) => ({ source: "plan" as const, ...f })),
      ...scanFindings
        .filter((f) => relevant(f) && !inPlan.has(findingKey(f)))
        .map((f) => ({ source: "scan" as const, ...f })),
    ],
  };
}

const findingKey = (f: PlanFinding) => `${f.code}|${f.lotKey ?? ""}|${f.message}`;
