import { readableHouseholds, readsEveryHousehold } from "../../access/authorize.ts";
import { isTaxable } from "../../domain/book.ts";
import { Decimal, formatFixed } from "../../domain/decimal.ts";
import { findHousehold } from "../../engine/find-by-name.ts";
import { sumValuations, type Valuation, valueHoldings } from "../../engine/value-holdings.ts";
import type { HouseholdOverview, LatestPrice } from "../../ports/book-store.ts";
import { refuseHousehold, withPrincipal } from "../act-as.ts";
import { CliError, type Command } from "../command.ts";
import { formatInstant, formatMoney, renderTable } from "../format.ts";
import { importStoreOf } from "./import.ts";

export interface HouseholdListing {
  id: string;
  name: string;
  notes: string | null;
  people: { id: string; role: string; name: string }[];
  model: { id: string; name: string; versionId: string; version: number; effectiveDate: string } | null;
  marketValue: string;
  unpricedSecurities: string[];
  oldestDataAsOf: string | null;
  accounts: AccountListing[];
}

export interface AccountListing {
  id: string;
  custodian: string;
  custodianName: string;
  type: string;
  taxable: boolean;
  owner: string;
  nickname: string;
  accountNumber: string;
  tradeable: boolean;
  lotReliefMethod: string;
  cash: string | null;
  marketValue: string | null;
  dataAsOf: string | null;
  dataSource: string | null;
  /** Symbols whose lots do not reconcile with the reported position (left out of harvesting). */
  unreconciled: string[];
}

/** Values every account at the latest prices (engine arithmetic) and shapes the listing. */
export function listHouseholds(
  households: readonly HouseholdOverview[],
  prices: ReadonlyMap<string, LatestPrice>,
  unreconciled: ReadonlyMap<string, readonly string[]> = new Map(),
): HouseholdListing[] {
  const priceOf = new Map([...prices].map(([id, latest]) => [id, latest.price]));
  return households.map((household) => {
    const valuations: Valuation[] = [];
    const accounts = household.accounts.map((account): AccountListing => {
      const valuation = account.snapshot ? valueHoldings(account.snapshot, priceOf) : null;
      if (valuation) valuations.push(valuation);
      return {
        id: account.id,
        custodian: account.custodianId,
        custodianName: account.custodianName,
        type: account.type,
        taxable: isTaxable(account.type),
        owner: account.owner,
        nickname: account.nickname,
        accountNumber: account.accountNumberMasked,
        tradeable: account.tradeable,
        lotReliefMethod: account.lotReliefMethod,
        cash: account.snapshot ? formatFixed(account.snapshot.cash, 2) : null,
        marketValue: valuation ? formatFixed(valuation.marketValue, 2) : null,
        dataAsOf: account.snapshot?.asOf ?? null,
        dataSource: account.snapshot?.source ?? null,
        unreconciled: [...(unreconciled.get(account.id) ?? [])],
      };
    });
    const total = sumValuations(valuations);
    const asOfs = accounts.flatMap((account) => (account.dataAsOf ? [account.dataAsOf] : [])).sort();
    return {
      id: household.id,
      name: household.name,
      notes: household.notes,
      people: household.people,
      model: household.model
        ? {
            id: household.model.modelId,
            name: household.model.name,
            versionId: household.model.versionId,
            version: household.model.version,
            effectiveDate: household.model.effectiveDate,
          }
        : null,
      marketValue: formatFixed(total.marketValue, 2),
      unpricedSecurities: total.unpriced,
      oldestDataAsOf: asOfs[0] ?? null,
      accounts,
    };
  });
}

export function renderHouseholds(listings: readonly HouseholdListing[]): string {
  if (listings.length === 0) return "No households yet. Load the demo book with: lotwise seed --demo\n";
  const blocks = listings.map((household) => {
    const model = household.model
      ? `${household.model.name} v${household.model.version}`
      : "no model assigned";
    const title = `${household.name} (${household.id})  ${formatMoney(new Decimal(household.marketValue))}  ·  ${model}  ·  ${household.accounts.length} accounts`;
    const table = renderTable(household.accounts, [
      { header: "ACCOUNT", value: (a) => a.nickname },
      { header: "CUSTODIAN", value: (a) => a.custodianName },
      { header: "TYPE", value: (a) => a.type },
      { header: "OWNER", value: (a) => a.owner },
      { header: "NUMBER", value: (a) => a.accountNumber },
      {
        header: "VALUE",
        value: (a) => (a.marketValue ? formatMoney(new Decimal(a.marketValue)) : "-"),
        align: "right",
      },
      { header: "DATA AS OF", value: (a) => (a.dataAsOf ? formatInstant(a.dataAsOf) : "no data") },
      {
        header: "",
        value: (a) =>
          [
            a.tradeable ? "" : "held away",
            a.unreconciled.length > 0 ? `unreconciled: ${a.unreconciled.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join("; "),
      },
    ]);
    const warning =
      household.unpricedSecurities.length > 0
        ? `\n  ! no price for ${household.unpricedSecurities.join(", ")}: not included in the value`
        : "";
    return `${title}\n${table.replace(/^/gm, "  ")}${warning}`;
  });
  return `${blocks.join("\n\n")}\n`;
}

export const householdsCommand: Command = {
  name: "households",
  summary: "List households with their accounts, custodians, market value and model",
  usage: "lotwise households [<household>] [--json]",
  details:
    "Values each account's latest snapshot at the latest prices. <household> narrows the list to one\n" +
    "household, by id, name or an unambiguous prefix (e.g. `lotwise households chen`). Only the\n" +
    "households the principal may read are listed.",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print an array of { id, name, accounts: [{ id, custodian, type, ... }], ... }" },
  positionals: { min: 0, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const { io } = context;
    const quiet = Boolean(values.json);
    return withPrincipal(context, { quiet, command: "households" }, async (opened, progress, principal) => {
      progress.step("reading households");
      let households = readableHouseholds(principal, await opened.store.listHouseholds());
      const query = positionals[0];
      if (query !== undefined) {
        const found = findHousehold(query, households);
        if (!found.ok && found.error.code !== "lookup.ambiguous" && !readsEveryHousehold(principal)) {
          await refuseHousehold(opened.audit, principal, {
            command: "households",
            action: "household.read",
            household: query,
          });
        }
        if (!found.ok) throw new CliError(found.error.message);
        households = [found.value];
      }
      const prices = await opened.store.latestPrices();
      const accountIds = households.flatMap((household) => household.accounts.map((account) => account.id));
      const unreconciled = await (await importStoreOf(opened)).unreconciledSymbols(accountIds);
      progress.done();
      const listings = listHouseholds(households, prices, unreconciled);
      if (!values.json && listings.length === 0 && !readsEveryHousehold(principal)) {
        io.stdout.write("No households you may read; ask an admin for a role.\n");
        return 0;
      }
      io.stdout.write(values.json ? `${JSON.stringify(listings, null, 2)}\n` : renderHouseholds(listings));
      return 0;
    });
  },
};
