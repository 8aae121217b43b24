// Reference rows both seeds write, each written once: a policy version (by its version label) or a
// model (by its id) already present is kept as it is, since policy and model versions are immutable.
import type { DemoModel, DemoPolicy } from "../demo/types.ts";
import type { Prisma } from "./generated/client.ts";
import { fromIsoDate } from "./mapping.ts";

/** True when this call wrote the version. */
export async function writePolicyOnce(
  tx: Prisma.TransactionClient,
  policy: DemoPolicy,
  approvedBy: string,
): Promise<boolean> {
  if (await tx.substantiallyIdenticalPolicy.findUnique({ where: { version: policy.version } })) return false;
  await tx.substantiallyIdenticalPolicy.create({
    data: {
      id: policy.id,
      version: policy.version,
      effectiveDate: fromIsoDate(policy.effectiveDate),
      sameIndexIsIdentical: policy.sameIndexIsIdentical,
      description: policy.description,
      approvedBy,
    },
  });
  await tx.policyGroup.createMany({
    data: policy.groups.map(({ id, name, reason }) => ({ id, policyId: policy.id, name, reason })),
  });
  await tx.policyGroupMember.createMany({
    data: policy.groups.flatMap((group) =>
      group.securityIds.map((securityId) => ({ groupId: group.id, securityId })),
    ),
  });
  return true;
}

/** A model with every version, target and alternate; true when this call wrote it. */
export async function writeModelOnce(tx: Prisma.TransactionClient, model: DemoModel): Promise<boolean> {
  if (await tx.model.findUnique({ where: { id: model.id } })) return false;
  await tx.model.create({ data: { id: model.id, name: model.name, description: model.description } });
  await tx.modelVersion.createMany({
    data: model.versions.map((version) => ({
      id: version.id,
      modelId: model.id,
      version: version.version,
      effectiveDate: fromIsoDate(version.effectiveDate),
      bandAbsolute: version.bandAbsolute,
      bandRelative: version.bandRelative,
      rebalanceTo: version.rebalanceTo,
      notes: version.notes,
    })),
  });
  const targets = model.versions.flatMap((version) => version.targets.map((target) => ({ version, target })));
  await tx.modelTarget.createMany({
    data: targets.map(({ version, target }) => ({
      id: target.id,
      modelVersionId: version.id,
      assetClassId: target.assetClassId,
      weight: target.weight,
      bandAbsolute: target.bandAbsolute,
      bandRelative: target.bandRelative,
      primarySecurityId: target.primarySecurityId,
    })),
  });
  await tx.modelAlternate.createMany({
    data: targets.flatMap(({ target }) =>
      target.alternateSecurityIds.map((securityId, rank) => ({ targetId: target.id, securityId, rank })),
    ),
  });
  return true;
}
