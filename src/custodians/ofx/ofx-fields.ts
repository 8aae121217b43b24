// Typed reads of OFX leaves, refusing the file with the element's path when a value is malformed.
import { fail } from "../normalise.ts";
import { childElement, elementPath, type OfxElement } from "./ofx-tree.ts";
import { type OfxDateTime, parseOfxNumber, readOfxDateTime } from "./ofx-values.ts";

function leaf(parent: OfxElement, name: string): OfxElement | undefined {
  const child = childElement(parent, name);
  if (child && child.children.length > 0) {
    fail(child.line, elementPath(child), `<${name}> should hold a value, not other elements`);
  }
  return child;
}

function missing(parent: OfxElement, name: string): never {
  return fail(parent.line, `${elementPath(parent)}/${name}`, `<${parent.name}> has no <${name}>`);
}

export function optionalText(parent: OfxElement, name: string): string | null {
  const text = leaf(parent, name)?.value?.trim();
  return text === undefined || text === "" ? null : text;
}

export function requiredText(parent: OfxElement, name: string): string {
  return optionalText(parent, name) ?? missing(parent, name);
}

export function optionalNumber(parent: OfxElement, name: string): string | null {
  const child = leaf(parent, name);
  const raw = child?.value?.trim();
  if (!child || raw === undefined || raw === "") return null;
  const value = parseOfxNumber(raw);
  if (value === undefined)
    fail(child.line, elementPath(child), `not a number: ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

export function requiredNumber(parent: OfxElement, name: string): string {
  return optionalNumber(parent, name) ?? missing(parent, name);
}

export function optionalDateTime(parent: OfxElement, name: string): OfxDateTime | null {
  const child = leaf(parent, name);
  const raw = child?.value?.trim();
  if (!child || raw === undefined || raw === "") return null;
  const value = readOfxDateTime(raw);
  if (value === undefined) {
    fail(
      child.line,
      elementPath(child),
      `not an OFX date (YYYYMMDD[HHMMSS[.XXX]][TZ]): ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return value;
}

export function requiredDateTime(parent: OfxElement, name: string): OfxDateTime {
  return optionalDateTime(parent, name) ?? missing(parent, name);
}

export function requiredChild(parent: OfxElement, name: string): OfxElement {
  return childElement(parent, name) ?? missing(parent, name);
}

/** Refuses amounts in anything but US dollars (CURRENCY/ORIGCURRENCY{CURSYM} or CURDEF). */
export function assertUsDollars(parent: OfxElement): void {
  for (const name of ["CURRENCY", "ORIGCURRENCY"]) {
    const currency = childElement(parent, name);
    if (!currency) continue;
    const symbol = optionalText(currency, "CURSYM")?.toUpperCase();
    if (symbol !== undefined && symbol !== "USD") {
      fail(
        currency.line,
        `${elementPath(currency)}/CURSYM`,
        `amounts in ${symbol} are not supported (USD only)`,
      );
    }
  }
}
