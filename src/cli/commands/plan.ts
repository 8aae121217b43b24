// `lotwise plan <household>`: the household's rebalance and harvest plan, drafted by the engine
// from the stored book, printed as tables (or canonical JSON with --json). Stale data is refused
// unless --allow-stale (domain-rules.md, "Data quality gates"). Only a household the principal may
// read is planned; any other name is refused the same way, whether or not it exists.
import { readableHouseholds, readsEveryHousehold } from "../../access/authorize.ts";
import { Decimal, parseDecimal } from "../../domain/decimal.ts";
import { type IsoDate, parseIsoDate } from "../../domain/iso-date.ts";
import { marketDate } from "../../domain/market-date.ts";
import { findHousehold } from "../../engine/find-by-name.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../engine/planning/draft-plan.ts";
import type { Plan, PlanFinding, PlanSettings } from "../../engine/planning/plan.ts";
import { planHousehold } from "../../planning/plan-household.ts";
import { refuseHousehold, withPrincipal } from "../act-as.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";
import { formatMoney, renderTable } from "../format.ts";
import { syncDemoFeed } from "../sync-demo-feed.ts";

export const planCommand: Command = {
  name: "plan",
  summary: "Draft a household's tax-aware rebalance and harvest plan",
  usage: "lotwise plan <household> [--json] [--allow-stale] [--as-of YYYY-MM-DD] [settings...]",
  details: [
    "The household is an id (hh-chen) or a unique part of its name (chen). The plan is drafted, not",
    "sent: nothing trades until an authorised person approves it. Rules: docs/trade-drafting.md.",
    "",
    "Examples:",
    "  lotwise plan chen",
    "  lotwise plan hh-patel --allow-stale --json",
    "  lotwise plan alvarez --gain-budget 10000 --gain-budget-mode hard --short-term-gains never",
  ].join("\n"),
  options: {
    json: { type: "boolean", default: false },
    "allow-stale": { type: "boolean", default: false },
    "as-of": { type: "string" },
    "harvest-in-band": { type: "boolean", default: false },
    "short-term-gains": { type: "string" },
    "gain-budget": { type: "string" },
    "gain-budget-mode": { type: "string" },
    "min-trade": { type: "string" },
    "min-loss": { type: "string" },
    "min-loss-percent": { type: "string" },
    "max-age": { type: "string" },
  },
  optionHelp: {
    json: "print the plan as canonical JSON (with its sha256 hash)",
    "allow-stale": "draft even if positions or prices are older than --max-age (the plan is marked stale)",
    "as-of": "the trade date (default: today in New York)",
    "harvest-in-band": "harvest losses even when every class is within its band",
    "short-term-gains": "last (default) or never",
    "gain-budget": "annual net realised-gain budget in dollars (default: none)",
    "gain-budget-mode": "hard (default: sales stop at the budget) or soft (warns)",
    "min-trade": "smallest trade in dollars (default 100)",
    "min-loss": "smallest harvestable loss in dollars (default 500)",
    "min-loss-percent": "smallest harvestable loss in percent of basis (default 5)",
    "max-age": "oldest acceptable positions and prices, in seconds (default 300)",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context: CommandContext, { values, positionals }) {
    const settings = settingsFrom(values);
    const asOf = dateOption(values["as-of"]) ?? marketDate(context.services.clock.now());
    const json = Boolean(values.json);
    const query = positionals[0] as string;
    return withPrincipal(context, { quiet: json, command: "plan" }, async (opened, progress, principal) => {
      // Authorised before anything is planned: only households the principal may read are searched.
      const found = findHousehold(query, readableHouseholds(principal, await opened.store.listHouseholds()));
      if (!found.ok && found.error.code !== "lookup.ambiguous" && !readsEveryHousehold(principal)) {
        const details = { command: "plan", action: "household.read", household: query } as const;
        return refuseHousehold(opened.audit, principal, details);
      }
      if (!found.ok) throw new CliError(found.error.message);
      await syncDemoFeed(opened.store, context.services.clock.now(), progress);
      progress.step(`Drafting the plan for ${found.value.name}`);
      const result = await planHousehold(opened.store, {
        householdId: found.value.id,
        asOf,
        now: context.services.clock.now().toISOString(),
        allowStale: Boolean(values["allow-stale"]),
        settings,
      });
      progress.done();
      if (!result.ok) {
        const stale = result.error.freshness?.staleInputs ?? [];
        const detail = stale
          .slice(0, 5)
          .map(
            (s) =>
              `  ${s.label}: as of ${s.asOf}${s.ageSeconds === null ? "" : ` (${age(s.ageSeconds)} old)`}`,
          );
        if (stale.length > 5) detail.push(`  ... and ${stale.length - 5} more`);
        throw new CliError([result.error.message, ...detail].join("\n"));
      }
      if (json) {
        context.io.stdout.write(
          `${JSON.stringify({ planHash: result.value.hash, plan: result.value.plan }, null, 2)}\n`,
        );
      } else {
        context.io.stdout.write(renderPlan(result.value.plan, found.value.name, result.value.hash));
      }
      return 0;
    });
  },
};

function settingsFrom(values: Record<string, unknown>): PlanSettings {
  const amount = (name: string, fallback: Decimal): Decimal => {
    const text = values[name] as string | undefined;
    if (text === undefined) return fallback;
    const value = parseDecimal(text);
    if (!value || value.isNegative())
      throw new UsageError(`--${name} must be a non-negative amount, not "${text}"`);
    return value;
  };
  const shortTerm = (values["short-term-gains"] as string | undefined) ?? "last";
  if (shortTerm !== "last" && shortTerm !== "never") {
    throw new UsageError(`--short-term-gains must be last or never, not "${shortTerm}"`);
  }
  const mode = (values["gain-budget-mode"] as string | undefined) ?? "hard";
  if (mode !== "hard" && mode !== "soft")
    throw new UsageError(`--gain-budget-mode must be hard or soft, not "${mode}"`);
  if (values["gain-budget-mode"] !== undefined && values["gain-budget"] === undefined) {
    throw new UsageError("--gain-budget-mode needs --gain-budget");
  }
  const maxAgeText = values["max-age"] as string | undefined;
  let maxAge = DEFAULT_PLAN_SETTINGS.maxDataAgeSeconds;
  if (maxAgeText !== undefined) {
    if (!/^\d{1,9}$/.test(maxAgeText))
      throw new UsageError(`--max-age must be whole seconds, not "${maxAgeText}"`);
    maxAge = Number.parseInt(maxAgeText, 10);
  }
  const percent = amount("min-loss-percent", DEFAULT_PLAN_SETTINGS.minLossFraction.times(100));
  if (percent.greaterThan(100)) throw new UsageError("--min-loss-percent must be at most 100");
  return {
    ...DEFAULT_PLAN_SETTINGS,
    minLossAmount: amount("min-loss", DEFAULT_PLAN_SETTINGS.minLossAmount),
    minLossFraction: percent.dividedBy(100),
    shortTermGains: shortTerm,
    gainBudget:
      values["gain-budget"] === undefined ? null : { limit: amount("gain-budget", new Decimal(0)), mode },
    minTradeAmount: amount("min-trade", DEFAULT_PLAN_SETTINGS.minTradeAmount),
    harvestWhenInBand: Boolean(values["harvest-in-band"]),
    maxDataAgeSeconds: maxAge,
  };
}

function dateOption(value: unknown): IsoDate | undefined {
  if (value === undefined) return undefined;
  const date = parseIsoDate(String(value));
  if (!date) throw new UsageError(`--as-of must be a date like 2026-11-20, not "${String(value)}"`);
  return date;
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} days`;
}

const money = (text: string) => formatMoney(new Decimal(text));
const percent = (text: string) => `${new Decimal(text).times(100).toFixed(2)}%`;

/** The plan for people: header, drift, trades, lots, tax, harvests, warnings and reasons. */
export function renderPlan(plan: Plan, householdName: string, hash: string): string {
  const out: string[] = [];
  const model = plan.model
    ? `${plan.model.name} v${plan.model.version} (to ${plan.model.rebalanceTo.toLowerCase().replace("_", " ")})`
    : "none";
  out.push(
    `Plan for ${householdName} (${plan.householdId}), trade date ${plan.asOf}${plan.stale ? "  ** STALE DATA **" : ""}`,
    `Model ${model}; policy ${plan.inputs.policyVersion ?? "none"}; settings ${plan.inputs.settingsId}`,
    `Plan hash ${hash}`,
    "",
  );
  const after = new Map(plan.drift.after.map((c) => [c.assetClassId, c]));
  out.push(
    `Drift (household value ${money(plan.drift.totalValue)})`,
    renderTable(plan.drift.before, [
      { header: "class", value: (c) => c.assetClassId },
      { header: "target", value: (c) => percent(c.targetWeight), align: "right" },
      { header: "band", value: (c) => `${percent(c.lowerBand)}-${percent(c.upperBand)}`, align: "right" },
      {
        header: "before",
        value: (c) => `${percent(c.actualWeight)}${c.outOfBand ? " OUT" : ""}`,
        align: "right",
      },
      {
        header: "after",
        value: (c) => {
          const a = after.get(c.assetClassId);
          return a ? `${percent(a.actualWeight)}${a.outOfBand ? " OUT" : ""}` : "";
        },
        align: "right",
      },
    ]),
    "",
  );
  if (plan.trades.length === 0) {
    out.push("No trades.", "");
  } else {
    out.push(
      `Trades (${plan.trades.length}; sells first, they fund the buys)`,
      renderTable(plan.trades, [
        { header: "#", value: (t) => String(t.index + 1), align: "right" },
        { header: "account", value: (t) => t.accountName },
        { header: "side", value: (t) => t.side.toUpperCase() },
        { header: "symbol", value: (t) => t.symbol },
        { header: "quantity", value: (t) => t.quantity, align: "right" },
        { header: "price", value: (t) => money(t.price), align: "right" },
        { header: "amount", value: (t) => money(t.amount), align: "right" },
        { header: "why", value: (t) => t.purposes.join(", ") },
        {
          header: "realised (ST / LT)",
          value: (t) =>
            t.realized
              ? `${money(t.realized.shortTerm)} / ${money(t.realized.longTerm)}`
              : t.side === "sell"
                ? "not taxable"
                : "",
          align: "right",
        },
      ]),
      "",
      "Lots to sell (specific identification)",
      renderTable(
        plan.trades.flatMap((t) => t.lots.map((lot) => ({ t, lot }))),
        [
          { header: "#", value: ({ t }) => String(t.index + 1), align: "right" },
          { header: "symbol", value: ({ t }) => t.symbol },
          { header: "lot", value: ({ lot }) => lot.lotKey },
          { header: "acquired", value: ({ lot }) => lot.acquiredDate },
          { header: "quantity", value: ({ lot }) => lot.quantity, align: "right" },
          {
            header: "basis",
            value: ({ lot }) => (lot.basis === null ? "-" : money(lot.basis)),
            align: "right",
          },
          {
            header: "gain/loss",
            value: ({ lot }) => (lot.gainLoss === null ? "-" : money(lot.gainLoss)),
            align: "right",
          },
          { header: "term", value: ({ lot }) => lot.term ?? "-" },
        ],
      ),
      "",
    );
  }
  const r = plan.realized;
  out.push(
    `Realised: short-term ${money(r.shortTerm)}, long-term ${money(r.longTerm)}, total ${money(r.total)} (year to date before the plan ${money(r.yearToDate)})`,
    `Estimated tax: ${money(r.estimatedTax)} (at ${percent(String(plan.settings.shortTermRate))} short-term, ${percent(String(plan.settings.longTermRate))} long-term)`,
    "",
  );
  if (plan.harvested.length > 0) {
    out.push("Harvested losses");
    for (const h of plan.harvested) {
      out.push(
        `  ${h.symbol} ${h.lotKey}: ${money(h.loss)} ${h.term}-term loss, worth about ${money(h.estimatedTaxValue)}; ${h.replacement ? `replaced by ${h.replacement}` : "sold while rebalancing"}; do not rebuy ${h.symbol} before ${h.rebuyFrom}`,
      );
    }
    out.push("");
  }
  const notHarvested = plan.notHarvested.filter((f) => f.code !== "harvest.no-loss");
  const atGain = plan.notHarvested.length - notHarvested.length;
  if (notHarvested.length > 0) {
    out.push(
      `Not harvested (${notHarvested.length} lots at a loss; ${atGain} more taxable lots are at a gain)`,
    );
    for (const f of notHarvested) out.push(`  [${f.code}] ${f.message}`);
    out.push("");
  } else if (atGain > 0) {
    out.push(`Not harvested: ${atGain} taxable lots, all at a gain.`, "");
  }
  section(out, "Warnings", plan.warnings);
  section(out, "Left undone, and why", plan.reasons);
  out.push("Nothing has been sent: the plan needs an authorised approval.", "");
  return out.join("\n");
}

function section(out: string[], title: string, findings: readonly PlanFinding[]): void {
  if (findings.length === 0) return;
  out.push(title);
  for (const f of findings) out.push(`  [${f.code}] ${f.message}`);
  out.push("");
}
