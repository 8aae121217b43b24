// Writes the demo book in one transaction: all of it or none of it. Loading it again changes
// nothing (the demo households are recognised by id).
import type { DemoBook } from "../demo/types.ts";
import type { SeedOutcome } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";
import { fromIsoDate } from "./mapping.ts";
import { writeModelOnce, writePolicyOnce } from "./write-reference-rows.ts";

export async function seedDemoBook(
  prisma: PrismaClient,
  book: DemoBook,
  onStep: (label: string) => void = () => {},
): Promise<SeedOutcome> {
  const ids = book.households.map((household) => household.id);
  return prisma.$transaction(
    async (tx) => {
      const existing = await tx.household.findMany({ where: { id: { in: ids } }, select: { id: true } });
      if (existing.length > 0) {
        return { status: "already-present", householdIds: existing.map((row) => row.id).sort() } as const;
      }
      const accounts = book.households.flatMap((household) =>
        household.accounts.map((account) => ({ household, account })),
      );
      const counts: Record<string, number> = {};
      const count = (name: string, n: number) => {
        counts[name] = (counts[name] ?? 0) + n;
      };

      onStep("reference data");
      // Custodians, classes, securities and the policy are shared reference data: keep what exists.
      count(
        "custodians",
        (await tx.custodian.createMany({ data: book.custodians, skipDuplicates: true })).count,
      );
      count(
        "assetClasses",
        (await tx.assetClass.createMany({ data: book.assetClasses, skipDuplicates: true })).count,
      );
      count(
        "securities",
        (await tx.security.createMany({ data: book.securities, skipDuplicates: true })).count,
      );
      if (await writePolicyOnce(tx, book.policy, "demo")) count("policyVersions", 1);

      onStep("models");
      for (const model of book.models) if (await writeModelOnce(tx, model)) count("models", 1);

      onStep("households and accounts");
      await tx.household.createMany({
        data: book.households.map(({ id, name, notes }) => ({ id, name, notes })),
      });
      count("households", book.households.length);
      await tx.person.createMany({
        data: book.households.flatMap((household) =>
          household.people.map((person) => ({ ...person, householdId: household.id })),
        ),
      });
      await tx.householdModelAssignment.createMany({
        data: book.households.flatMap((household) =>
          household.modelVersionId && household.modelAssignedOn
            ? [
                {
                  id: `assign-${household.id}`,
                  householdId: household.id,
                  modelVersionId: household.modelVersionId,
                  effectiveDate: fromIsoDate(household.modelAssignedOn),
                  assignedBy: "demo",
                },
              ]
            : [],
        ),
      });
      await tx.account.createMany({
        data: accounts.map(({ household, account }) => ({
          id: account.id,
          householdId: household.id,
          ownerId: account.ownerId,
          custodianId: account.custodianId,
          type: account.type,
          nickname: account.nickname,
          accountNumberMasked: account.accountNumberMasked,
          lotReliefMethod: account.lotReliefMethod,
          tradeable: account.tradeable,
          cashReserve: account.cashReserve,
          fractionalShares: account.fractionalShares,
          openedOn: fromIsoDate(account.openedOn),
        })),
      });
      count("accounts", accounts.length);
      await tx.restriction.createMany({
        data: book.households.flatMap((household) =>
          household.restrictions.map((restriction) => ({ ...restriction, householdId: household.id })),
        ),
      });

      onStep("snapshots, lots and transactions");
      await tx.accountSnapshot.createMany({
        data: accounts.map(({ account }) => ({
          id: account.snapshot.id,
          accountId: account.id,
          asOf: new Date(account.snapshot.asOf),
          source: account.snapshot.source,
          cash: account.snapshot.cash,
        })),
      });
      const positions = accounts.flatMap(({ account }) =>
        account.snapshot.positions.map((position) => ({
          id: `${account.snapshot.id}:${position.securityId}`,
          snapshotId: account.snapshot.id,
          ...position,
        })),
      );
      await tx.position.createMany({ data: positions });
      count("positions", positions.length);
      const lots = accounts.flatMap(({ account }) =>
        account.snapshot.lots.map((lot) => ({
          id: `${account.snapshot.id}:${lot.lotKey}`,
          snapshotId: account.snapshot.id,
          accountId: account.id,
          securityId: lot.securityId,
          lotKey: lot.lotKey,
          tradeDate: fromIsoDate(lot.tradeDate),
          acquiredDate: fromIsoDate(lot.acquiredDate),
          quantity: lot.quantity,
          costBasis: lot.costBasis,
          deferredWashLoss: lot.deferredWashLoss,
        })),
      );
      await tx.lot.createMany({ data: lots });
      count("lots", lots.length);
      const transactions = accounts.flatMap(({ account }) =>
        account.transactions.map((transaction) => ({
          ...transaction,
          accountId: account.id,
          tradeDate: fromIsoDate(transaction.tradeDate),
          source: "demo",
        })),
      );
      await tx.transaction.createMany({ data: transactions });
      count("transactions", transactions.length);

      onStep("prices and users");
      const prices = await tx.price.createMany({
        data: book.prices.map((price) => ({
          id: `${price.securityId}@${price.asOf}@${price.source}`,
          ...price,
          asOf: new Date(price.asOf),
        })),
        skipDuplicates: true,
      });
      count("prices", prices.count);
      for (const user of book.users) {
        await tx.user.upsert({
          where: { slackUserId: user.slackUserId },
          create: {
            id: user.id,
            slackUserId: user.slackUserId,
            name: user.name,
            email: user.email,
            roles: user.roles,
          },
          update: {},
        });
      }
      count("users", book.users.length);
      await tx.householdAccess.createMany({
        data: book.users.flatMap((user) => user.access.map((access) => ({ userId: user.id, ...access }))),
        skipDuplicates: true,
      });
      return { status: "created", counts } as const;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
