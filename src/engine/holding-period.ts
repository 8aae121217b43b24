// Holding periods on the calendar (IRS Pub 550, "Holding Period"): trade dates govern; a lot is
// long-term only if held MORE than one year, so selling on the anniversary is still short-term.
import { addDays, addYears, daysBetween, type IsoDate } from "../domain/iso-date.ts";

export type Term = "short" | "long";

export function termOf(acquiredDate: IsoDate, soldDate: IsoDate): Term {
  return soldDate > addYears(acquiredDate, 1) ? "long" : "short";
}

/** The first sale date on which a lot acquired on `acquiredDate` is long-term. */
export function longTermFrom(acquiredDate: IsoDate): IsoDate {
  return addDays(addYears(acquiredDate, 1), 1);
}

/**
 * Holding period of wash-sale replacement shares includes that of the shares sold (IRC §1223(3);
 * Pub 550, "Wash Sales"): their acquired date moves back by the days the sold shares were held.
 */
export function tackedAcquiredDate(
  replacementTradeDate: IsoDate,
  soldAcquiredDate: IsoDate,
  soldDate: IsoDate,
): IsoDate {
  return addDays(replacementTradeDate, -daysBetween(soldAcquiredDate, soldDate));
}
