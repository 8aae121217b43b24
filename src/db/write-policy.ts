// A substantially-identical policy version with its groups, written once: a version already present
// (by its version label) is kept as it is, since policy versions are immutable.
import type { DemoPolicy } from "../demo/types.ts";
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
