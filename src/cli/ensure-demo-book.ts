import type { OpenedStore } from "../main.ts";
import type { HouseholdOverview } from "../ports/book-store.ts";
import { demoAnchor } from "./demo-dates.ts";
import type { Progress } from "./progress.ts";

/** Loads the demo book into an empty embedded database (never into PostgreSQL), as `npm start` does. */
export async function ensureDemoBook(
  opened: OpenedStore,
  now: Date,
  progress: Progress,
): Promise<{ households: HouseholdOverview[]; seeded: boolean }> {
  const households = await opened.store.listHouseholds();
  if (households.length > 0 || opened.database.kind !== "pglite") return { households, seeded: false };
  const book = (await import("../demo/demo-book.ts")).buildDemoBook(demoAnchor(now));
  await opened.store.seedDemo(book, (label) => progress.step(`loading the demo book: ${label}`));
  return { households: await opened.store.listHouseholds(), seeded: true };
}
