import type { BookStore } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";
import { loadHouseholdOverviews, loadLatestPrices } from "./household-overview.ts";
import { loadPlanningInputs, streamPlanningInputs } from "./load-planning-inputs.ts";
import { refreshDemoFeed } from "./refresh-demo-feed.ts";
import { seedDemoBook } from "./seed-demo.ts";

export function createPrismaBookStore(prisma: PrismaClient): BookStore {
  return {
    listHouseholds: () => loadHouseholdOverviews(prisma),
    householdNames: async (householdIds) => {
      const rows = await prisma.household.findMany({
        ...(householdIds === null ? {} : { where: { id: { in: [...householdIds] } } }),
        select: { id: true, name: true },
      });
      return new Map(rows.map((row) => [row.id, row.name]));
    },
    latestPrices: (securityIds) => loadLatestPrices(prisma, securityIds),
    seedDemo: (book, onStep) => seedDemoBook(prisma, book, onStep),
    loadPlanningInputs: (householdId, asOf, pins) => loadPlanningInputs(prisma, householdId, asOf, pins),
    streamPlanningInputs: (householdIds, asOf, options) =>
      streamPlanningInputs(prisma, householdIds, asOf, options),
    refreshDemoFeed: (now) => refreshDemoFeed(prisma, now),
  };
}
