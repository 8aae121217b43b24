// Golden-plan households (evals/plans/README.md): a fixture file becomes what `draftPlan` takes, a
// HouseholdBook, its model version, the substantially-identical policy and the plan settings.
// Two kinds of fixture: a demo household by id (built from the demo book, as the tests do), or a
// small synthetic household written out in full. Securities, quote prices and the policy always
// come from the demo book. Every problem in a fixture is reported, naming the file and the field.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { ACCOUNT_TYPES, isTaxable, type Security } from "../../src/domain/book.ts";
import { Decimal, parseDecimal, sumDecimals } from "../../src/domain/decimal.ts";
import type {
  HouseholdBook,
  ModelVersionSpec,
  PlanningLot,
  PlanningPosition,
  PlanningTransaction,
} from "../../src/domain/household-book.ts";
import { type IsoDate, parseIsoDate } from "../../src/domain/iso-date.ts";
import { err, ok, type Result } from "../../src/domain/result.ts";
import type { PlanSettings } from "../../src/engine/planning/plan.ts";
import { validateModelVersion } from "../../src/engine/planning/validate-model-version.ts";
import type { IdenticalPolicy } from "../../src/engine/substantially-identical.ts";
import { DEMO_ANCHOR, demoBook, demoHousehold, demoModel } from "../../test/support/demo-household.ts";

export interface LoadedHousehold {
  /** The fixture's file name without `.json`; goldens are matched on it. */
  name: string;
  description: string;
  source: "demo" | "synthetic";
  book: HouseholdBook;
  model: ModelVersionSpec | null;
  policy: IdenticalPolicy;
  settings: PlanSettings;
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const decimalText = z
  .string({ error: 'must be a decimal string like "100.25" (JSON numbers are not accepted)' })
  .transform((text, context): Decimal => {
    const value = parseDecimal(text);
    if (value === undefined) {
      context.addIssue({ code: "custom", message: `must be a decimal string like "100.25", not "${text}"` });
      return z.NEVER;
    }
    return value;
  });
const nonNegative = decimalText.refine((value) => !value.isNegative(), { message: "must not be negative" });
const positive = decimalText.refine((value) => value.greaterThan(0), { message: "must be above zero" });
const dateText = z.string().transform((text, context): IsoDate => {
  const date = parseIsoDate(text);
  if (date === undefined) {
    context.addIssue({ code: "custom", message: `must be a calendar date YYYY-MM-DD, not "${text}"` });
    return z.NEVER;
  }
  return date;
});
const id = z.string().min(1);

const SettingsOverrides = z.strictObject({
  minLossAmount: nonNegative.optional(),
  minLossFraction: nonNegative.optional(),
  shortTermRate: nonNegative.optional(),
  longTermRate: nonNegative.optional(),
  shortTermGains: z.enum(["last", "never"]).optional(),
  gainBudget: z
    .strictObject({ limit: decimalText, mode: z.enum(["hard", "soft"]) })
    .nullable()
    .optional(),
  minTradeAmount: nonNegative.optional(),
  harvestWhenInBand: z.boolean().optional(),
  maxDataAgeSeconds: z.number().int().nonnegative().optional(),
});
type SettingsOverrides = z.infer<typeof SettingsOverrides>;

const DemoFixture = z.strictObject({
  demo: id,
  description: z.string().min(1),
  settings: SettingsOverrides.optional(),
});

const Account = z.strictObject({
  id,
  name: z.string().min(1),
  type: z.enum(ACCOUNT_TYPES),
  tradeable: z.boolean(),
  cash: nonNegative,
  cashReserve: nonNegative,
  fractionalShares: z.boolean(),
});

const Lot = z.strictObject({
  lotKey: id,
  accountId: id,
  symbol: id,
  tradeDate: dateText,
  acquiredDate: dateText,
  quantity: positive,
  costBasis: nonNegative.nullable(),
  /** The transaction that opened the lot (default "buy"); "none": no acquisition on record. */
  acquisition: z.enum(["buy", "dividend-reinvest", "none"]).optional(),
});

const Position = z.strictObject({
  accountId: id,
  symbol: id,
  quantity: nonNegative,
  reportedCostBasis: nonNegative.nullable(),
});

const Transaction = z.strictObject({
  id,
  accountId: id,
  symbol: id,
  kind: z.enum(["buy", "dividend-reinvest", "sell"]),
  status: z.enum(["settled", "pending", "scheduled"]),
  tradeDate: dateText,
  quantity: positive.nullable(),
  realizedGainLoss: decimalText.nullable().optional(),
  lotKey: id.optional(),
});

const Restriction = z.strictObject({
  kind: z.enum(["DO_NOT_TRADE", "DO_NOT_BUY", "DO_NOT_SELL"]),
  accountId: id.nullable(),
  symbol: id.nullable(),
  reason: z.string().min(1),
});

const Target = z.strictObject({
  assetClassId: id,
  weight: decimalText,
  primary: id,
  alternates: z.array(id),
  bandAbsolute: decimalText.nullable().optional(),
  bandRelative: decimalText.nullable().optional(),
});

const Model = z.strictObject({
  id,
  name: z.string().min(1),
  version: z.number().int().positive(),
  bandAbsolute: decimalText,
  bandRelative: decimalText,
  rebalanceTo: z.enum(["TARGET", "BAND_EDGE"]),
  targets: z.array(Target).min(1),
});

const SyntheticFixture = z.strictObject({
  description: z.string().min(1),
  asOf: dateText.optional(),
  accounts: z.array(Account).min(1),
  lots: z.array(Lot),
  positions: z.array(Position).optional(),
  prices: z.record(z.string(), positive).optional(),
  transactions: z.array(Transaction).optional(),
  restrictions: z.array(Restriction).optional(),
  model: Model.nullable(),
  settings: SettingsOverrides.optional(),
});
type SyntheticFixture = z.infer<typeof SyntheticFixture>;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** The demo book's substantially-identical policy (si-policy-v1), by symbol. */
export function demoPolicy(): IdenticalPolicy {
  const symbolOf = new Map(demoBook.securities.map((s) => [s.id, s.symbol]));
  return {
    version: demoBook.policy.id,
    sameIndexIsIdentical: demoBook.policy.sameIndexIsIdentical,
    groups: demoBook.policy.groups.map((group) => ({
      name: group.name,
      symbols: group.securityIds.map((securityId) => symbolOf.get(securityId) ?? securityId),
    })),
  };
}

/** Reads and checks one fixture file; `defaults` are the settings its overrides apply to. */
export function loadHouseholdFile(path: string, defaults: PlanSettings): Result<LoadedHousehold, string> {
  const name = basename(path).replace(/\.json$/, "");
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return err(`${path}: not readable JSON: ${(error as Error).message}`);
  }
  const loaded = loadHousehold(name, json, defaults);
  return loaded.ok ? loaded : err(`${path}: ${loaded.error}`);
}

/** Checks a parsed fixture; every problem found is listed in the error, one per line. */
export function loadHousehold(
  name: string,
  json: unknown,
  defaults: PlanSettings,
): Result<LoadedHousehold, string> {
  if (typeof json === "object" && json !== null && "demo" in json) {
    const parsed = DemoFixture.safeParse(json);
    if (!parsed.success) return err(describeIssues(parsed.error));
    return loadDemo(name, parsed.data, defaults);
  }
  const parsed = SyntheticFixture.safeParse(json);
  if (!parsed.success) return err(describeIssues(parsed.error));
  return loadSynthetic(name, parsed.data, defaults);
}

function loadDemo(
  name: string,
  fixture: z.infer<typeof DemoFixture>,
  defaults: PlanSettings,
): Result<LoadedHousehold, string> {
  const household = demoBook.households.find((h) => h.id === fixture.demo);
  if (!household) {
    const known = demoBook.households.map((h) => h.id).join(", ");
    return err(`demo: no demo household "${fixture.demo}" (known: ${known})`);
  }
  return ok({
    name,
    description: fixture.description,
    source: "demo",
    book: demoHousehold(household.id),
    model: household.modelVersionId === null ? null : demoModel(household.id),
    policy: demoPolicy(),
    settings: applySettings(defaults, fixture.settings),
  });
}

function loadSynthetic(
  name: string,
  fixture: SyntheticFixture,
  defaults: PlanSettings,
): Result<LoadedHousehold, string> {
  const problems: string[] = [];
  const securities = new Map<string, Security>(
    demoBook.securities.map((s) => [
      s.id,
      { ...s, expenseRatio: s.expenseRatio === null ? null : new Decimal(s.expenseRatio) },
    ]),
  );
  const bySymbol = new Map([...securities.values()].map((s) => [s.symbol, s]));
  const securityId = (symbol: string, where: string): string => {
    const security = bySymbol.get(symbol);
    if (!security) problems.push(`${where}: unknown symbol "${symbol}" (not in the demo security master)`);
    return security?.id ?? `unknown-${symbol}`;
  };

  const accountIds = new Set<string>();
  for (const [index, account] of fixture.accounts.entries()) {
    if (accountIds.has(account.id)) problems.push(`accounts[${index}]: duplicate account id "${account.id}"`);
    accountIds.add(account.id);
  }
  const knownAccount = (accountId: string, where: string) => {
    if (!accountIds.has(accountId)) problems.push(`${where}: unknown account "${accountId}"`);
  };

  const lotKeys = new Set<string>();
  const lots: PlanningLot[] = fixture.lots.map((lot, index) => {
    const where = `lots[${index}] (${lot.lotKey})`;
    if (lotKeys.has(lot.lotKey)) problems.push(`${where}: duplicate lot key`);
    lotKeys.add(lot.lotKey);
    knownAccount(lot.accountId, where);
    if (lot.acquiredDate > lot.tradeDate) problems.push(`${where}: acquiredDate is after tradeDate`);
    return {
      lotKey: lot.lotKey,
      accountId: lot.accountId,
      securityId: securityId(lot.symbol, where),
      tradeDate: lot.tradeDate,
      acquiredDate: lot.acquiredDate,
      quantity: lot.quantity,
      costBasis: lot.costBasis,
    };
  });

  const positions = derivePositions(lots);
  for (const [index, position] of (fixture.positions ?? []).entries()) {
    const where = `positions[${index}]`;
    knownAccount(position.accountId, where);
    const override: PlanningPosition = {
      accountId: position.accountId,
      securityId: securityId(position.symbol, where),
      quantity: position.quantity,
      reportedCostBasis: position.reportedCostBasis,
    };
    const at = positions.findIndex(
      (p) => p.accountId === override.accountId && p.securityId === override.securityId,
    );
    if (at >= 0) positions[at] = override;
    else positions.push(override);
  }

  const prices = new Map(
    demoBook.prices.filter((p) => p.kind === "QUOTE").map((p) => [p.securityId, new Decimal(p.price)]),
  );
  for (const [symbol, price] of Object.entries(fixture.prices ?? {})) {
    prices.set(securityId(symbol, `prices.${symbol}`), price);
  }

  const transactionIds = new Set<string>();
  const transactions: PlanningTransaction[] = [];
  for (const [index, lot] of fixture.lots.entries()) {
    if (lot.acquisition === "none") continue;
    const planningLot = lots[index] as PlanningLot;
    const txId = `tx-${lot.lotKey}`;
    transactionIds.add(txId);
    transactions.push({
      id: txId,
      accountId: lot.accountId,
      securityId: planningLot.securityId,
      kind: lot.acquisition === "dividend-reinvest" ? "dividend-reinvest" : "buy",
      status: "settled",
      tradeDate: lot.tradeDate,
      quantity: lot.quantity,
      lotKey: lot.lotKey,
    });
  }
  for (const [index, tx] of (fixture.transactions ?? []).entries()) {
    const where = `transactions[${index}] (${tx.id})`;
    if (transactionIds.has(tx.id)) problems.push(`${where}: duplicate transaction id`);
    transactionIds.add(tx.id);
    knownAccount(tx.accountId, where);
    if (tx.kind !== "sell" && tx.realizedGainLoss !== undefined && tx.realizedGainLoss !== null) {
      problems.push(`${where}: realizedGainLoss is only for sells`);
    }
    transactions.push({
      id: tx.id,
      accountId: tx.accountId,
      securityId: securityId(tx.symbol, where),
      kind: tx.kind,
      status: tx.status,
      tradeDate: tx.tradeDate,
      quantity: tx.quantity,
      ...(tx.realizedGainLoss === undefined ? {} : { realizedGainLoss: tx.realizedGainLoss }),
      ...(tx.lotKey === undefined ? {} : { lotKey: tx.lotKey }),
    });
  }

  const restrictions = (fixture.restrictions ?? []).map((r, index) => {
    const where = `restrictions[${index}]`;
    if (r.accountId !== null) knownAccount(r.accountId, where);
    return {
      kind: r.kind,
      accountId: r.accountId,
      securityId: r.symbol === null ? null : securityId(r.symbol, where),
      reason: r.reason,
    };
  });

  let model: ModelVersionSpec | null = null;
  if (fixture.model !== null) {
    const draft = fixture.model;
    const checked = validateModelVersion(
      {
        bandAbsolute: draft.bandAbsolute,
        bandRelative: draft.bandRelative,
        targets: draft.targets.map((t) => ({
          assetClassId: t.assetClassId,
          weight: t.weight,
          bandAbsolute: t.bandAbsolute ?? null,
          bandRelative: t.bandRelative ?? null,
          primarySymbol: t.primary,
          alternateSymbols: t.alternates,
        })),
      },
      new Set(demoBook.assetClasses.map((c) => c.id)),
      bySymbol,
    );
    if (!checked.ok) problems.push(...checked.error.map((problem) => `model: ${problem}`));
    else {
      model = {
        id: draft.id,
        name: draft.name,
        version: draft.version,
        bandAbsolute: draft.bandAbsolute,
        bandRelative: draft.bandRelative,
        rebalanceTo: draft.rebalanceTo,
        targets: checked.value,
      };
    }
  }

  if (problems.length > 0) return err(problems.join("\n  "));
  const cashClass = demoBook.assetClasses.find((c) => c.isCash);
  return ok({
    name,
    description: fixture.description,
    source: "synthetic",
    book: {
      householdId: `hh-evals-${name}`,
      asOf: fixture.asOf ?? DEMO_ANCHOR,
      accounts: fixture.accounts.map((a) => ({
        id: a.id,
        name: a.name,
        type: a.type,
        taxable: isTaxable(a.type),
        tradeable: a.tradeable,
        cash: a.cash,
        cashReserve: a.cashReserve,
        fractionalShares: a.fractionalShares,
      })),
      positions,
      lots,
      securities,
      cashClassId: cashClass?.id ?? "cash",
      prices,
      transactions,
      restrictions,
    },
    model,
    policy: demoPolicy(),
    settings: applySettings(defaults, fixture.settings),
  });
}

/** One position per account and security: the sum of its lots (and of their bases, if all known). */
function derivePositions(lots: readonly PlanningLot[]): PlanningPosition[] {
  const groups = new Map<string, PlanningLot[]>();
  for (const lot of lots) {
    const key = `${lot.accountId}\u0000${lot.securityId}`;
    groups.set(key, [...(groups.get(key) ?? []), lot]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as PlanningLot;
    const bases = group.map((lot) => lot.costBasis);
    return {
      accountId: first.accountId,
      securityId: first.securityId,
      quantity: sumDecimals(group.map((lot) => lot.quantity)),
      reportedCostBasis: bases.some((basis) => basis === null)
        ? null
        : sumDecimals(bases.filter((basis): basis is Decimal => basis !== null)),
    };
  });
}

export function applySettings(
  defaults: PlanSettings,
  overrides: SettingsOverrides | undefined,
): PlanSettings {
  if (!overrides) return defaults;
  return {
    minLossAmount: overrides.minLossAmount ?? defaults.minLossAmount,
    minLossFraction: overrides.minLossFraction ?? defaults.minLossFraction,
    shortTermRate: overrides.shortTermRate ?? defaults.shortTermRate,
    longTermRate: overrides.longTermRate ?? defaults.longTermRate,
    shortTermGains: overrides.shortTermGains ?? defaults.shortTermGains,
    gainBudget: overrides.gainBudget === undefined ? defaults.gainBudget : overrides.gainBudget,
    minTradeAmount: overrides.minTradeAmount ?? defaults.minTradeAmount,
    harvestWhenInBand: overrides.harvestWhenInBand ?? defaults.harvestWhenInBand,
    maxDataAgeSeconds: overrides.maxDataAgeSeconds ?? defaults.maxDataAgeSeconds,
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(file)"}: ${issue.message}`)
    .join("\n  ");
}
