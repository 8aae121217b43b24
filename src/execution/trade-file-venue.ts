// Trade files for custodians without a lot-level order API: one CSV per custodian and plan, at
// <directory>/<custodian>/<planId>.csv, for operations to upload or key in. The research found no
// public layout that carries lot instructions (Schwab's blotter is ACCOUNT,ACTION,QUANTITY,SYMBOL
// and its "Lot Instructions" layout was not retrievable; custodian-formats.md §2c, §10), so the file
// is a generic block-trade layout with a header:
//
//   plan_id,order_id,account_id,account,side,symbol,cusip,quantity,order_type,limit_price,
//   lot_method,lot_key,lot_trade_date,lot_quantity,lot_unit_cost
//
// One row per order, or per lot for a sell that names lots (lot_method SPECIFIC_LOT; the order's
// columns repeat). `account` is the custodian's reference when known, else the masked number.
// Exporting an order again replaces its rows: the file never holds an order twice. Rows are
// ordered by order id, so the same orders always give the same bytes.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TradingVenue, VenueOrder } from "../ports/trading-venue.ts";

export const TRADE_FILE_HEADER = [
  "plan_id",
  "order_id",
  "account_id",
  "account",
  "side",
  "symbol",
  "cusip",
  "quantity",
  "order_type",
  "limit_price",
  "lot_method",
  "lot_key",
  "lot_trade_date",
  "lot_quantity",
  "lot_unit_cost",
] as const;

const ORDER_ID_COLUMN = TRADE_FILE_HEADER.indexOf("order_id");

export function createTradeFileVenue(options: { directory: string }): TradingVenue {
  // Writes to one file are serialised within the process; each write replaces the file atomically.
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(path: string, work: () => Promise<T>): Promise<T> => {
    const run = (queues.get(path) ?? Promise.resolve()).then(work, work);
    queues.set(
      path,
      run.catch(() => {}),
    );
    return run;
  };

  return {
    name: "trade-file",
    async submit(order) {
      const directory = join(options.directory, safeName(order.account.custodianId));
      const path = join(directory, `${safeName(order.planId)}.csv`);
      try {
        await serialised(path, async () => {
          await mkdir(directory, { recursive: true });
          const rows = (await readRows(path)).filter((row) => row[ORDER_ID_COLUMN] !== order.id);
          rows.push(...rowsOf(order));
          rows.sort((a, b) => compare(a[ORDER_ID_COLUMN] ?? "", b[ORDER_ID_COLUMN] ?? ""));
          const text = [TRADE_FILE_HEADER, ...rows].map((row) => row.map(csvField).join(",")).join("\n");
          const partial = `${path}.${process.pid}.partial`;
          await writeFile(partial, `${text}\n`);
          await rename(partial, path);
        });
      } catch (error) {
        return {
          kind: "unavailable",
          error: `cannot write the trade file ${path}: ${(error as Error).message}`,
        };
      }
      return {
        kind: "exported",
        custodianOrderId: path,
        message: `Written to the ${order.account.custodianId} trade file ${path}`,
      };
    },
  };
}

function rowsOf(order: VenueOrder): string[][] {
  const orderColumns = [
    order.planId,
    order.id,
    order.account.id,
    order.account.custodianRef ?? order.account.accountNumberMasked,
    order.side.toUpperCase(),
    order.security.symbol,
    order.security.cusip ?? "",
    order.quantity.toFixed(),
    order.limitPrice === null ? "MARKET" : "LIMIT",
    order.limitPrice?.toFixed() ?? "",
  ];
  if (order.side === "buy" || order.lots.length === 0) {
    return [[...orderColumns, order.side === "buy" ? "" : "ACCOUNT_DEFAULT", "", "", "", ""]];
  }
  return order.lots.map((lot) => [
    ...orderColumns,
    "SPECIFIC_LOT",
    lot.lotKey,
    lot.tradeDate ?? "",
    lot.quantity.toFixed(),
    lot.costBasis !== null && lot.heldQuantity !== null && !lot.heldQuantity.isZero()
      ? lot.costBasis.div(lot.heldQuantity).toDecimalPlaces(4).toFixed()
      : "",
  ]);
}

async function readRows(path: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return parseCsv(text).slice(1);
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Reads back what csvField wrote (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (char === '"') quoted = false;
      else value += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(value);
      value = "";
    } else if (char === "\n") {
      row.push(value);
      rows.push(row);
      row = [];
      value = "";
    } else if (char !== "\r") value += char;
  }
  if (value !== "" || row.length > 0) rows.push([...row, value]);
  return rows;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
