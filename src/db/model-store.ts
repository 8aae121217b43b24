import type { Security } from "../domain/book.ts";
import type { ModelStore, ModelSummary, ModelVersionSummary } from "../ports/model-store.ts";
import type { Prisma, PrismaClient } from "./generated/client.ts";
import { fromIsoDate, toDecimal, toDecimalOrNull, toIsoDate, toSecurity } from "./mapping.ts";

const VERSION_INCLUDE = {
  targets: {
    orderBy: [{ assetClass: { sortOrder: "asc" } }, { assetClassId: "asc" }],
    include: { primarySecurity: true, alternates: { orderBy: { rank: "asc" }, include: { security: true } } },
  },
} satisfies Prisma.ModelVersionInclude;

export function createPrismaModelStore(prisma: PrismaClient): ModelStore {
  return {
    async listModels() {
      const [models, households] = await Promise.all([
        prisma.model.findMany({
          orderBy: { name: "asc" },
          include: { versions: { orderBy: { version: "asc" }, include: VERSION_INCLUDE } },
        }),
        prisma.household.findMany({
          orderBy: { name: "asc" },
          include: { assignments: { orderBy: [{ effectiveDate: "desc" }, { createdAt: "desc" }], take: 1 } },
        }),
      ]);
      const byVersion = new Map<string, { id: string; name: string }[]>();
      for (const household of households) {
        const versionId = household.assignments[0]?.modelVersionId;
        if (versionId)
          byVersion.set(versionId, [
            ...(byVersion.get(versionId) ?? []),
            { id: household.id, name: household.name },
          ]);
      }
      return models.map(
        (model): ModelSummary => ({
          id: model.id,
          name: model.name,
          description: model.description,
          versions: model.versions.map((version) => toSummary(version, byVersion.get(version.id) ?? [])),
        }),
      );
    },
    async assetClassIds() {
      return new Set((await prisma.assetClass.findMany({ select: { id: true } })).map((row) => row.id));
    },
    async securitiesBySymbol() {
      const rows = await prisma.security.findMany();
      return new Map(rows.map((row): [string, Security] => [row.symbol, toSecurity(row)]));
    },
    addModelVersion(modelId, draft) {
      return prisma.$transaction(async (tx) => {
        const last = await tx.modelVersion.findFirst({ where: { modelId }, orderBy: { version: "desc" } });
        const version = (last?.version ?? 0) + 1;
        const id = `${modelId}-v${version}`;
        await tx.modelVersion.create({
          data: {
            id,
            modelId,
            version,
            effectiveDate: fromIsoDate(draft.effectiveDate),
            bandAbsolute: draft.bandAbsolute.toString(),
            bandRelative: draft.bandRelative.toString(),
            rebalanceTo: draft.rebalanceTo,
            notes: draft.notes,
          },
        });
        for (const target of draft.targets) {
          const targetId = `${id}:${target.assetClassId}`;
          await tx.modelTarget.create({
            data: {
              id: targetId,
              modelVersionId: id,
              assetClassId: target.assetClassId,
              weight: target.weight.toString(),
              bandAbsolute: target.bandAbsolute?.toString() ?? null,
              bandRelative: target.bandRelative?.toString() ?? null,
              primarySecurityId: target.primarySecurityId,
            },
          });
          await tx.modelAlternate.createMany({
            data: target.alternateSecurityIds.map((securityId, rank) => ({ targetId, securityId, rank })),
          });
        }
        const created = await tx.modelVersion.findUniqueOrThrow({ where: { id }, include: VERSION_INCLUDE });
        return toSummary(created, []);
      });
    },
    async assignModel(householdId, modelVersionId, effectiveDate, assignedBy) {
      const count = await prisma.householdModelAssignment.count({ where: { householdId } });
      await prisma.householdModelAssignment.create({
        data: {
          id: `assign-${householdId}-${count + 1}`,
          householdId,
          modelVersionId,
          effectiveDate: fromIsoDate(effectiveDate),
          assignedBy,
        },
      });
    },
  };
}

type VersionRow = Prisma.ModelVersionGetPayload<{ include: typeof VERSION_INCLUDE }>;

function toSummary(version: VersionRow, households: { id: string; name: string }[]): ModelVersionSummary {
  return {
    id: version.id,
    version: version.version,
    effectiveDate: toIsoDate(version.effectiveDate),
    bandAbsolute: toDecimal(version.bandAbsolute),
    bandRelative: toDecimal(version.bandRelative),
    rebalanceTo: version.rebalanceTo,
    notes: version.notes,
    targets: version.targets.map((target) => ({
      assetClassId: target.assetClassId,
      weight: toDecimal(target.weight),
      bandAbsolute: toDecimalOrNull(target.bandAbsolute),
      bandRelative: toDecimalOrNull(target.bandRelative),
      primarySymbol: target.primarySecurity.symbol,
      alternateSymbols: target.alternates.map((alternate) => alternate.security.symbol),
    })),
    households,
  };
}
