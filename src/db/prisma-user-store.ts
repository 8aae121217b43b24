// Users and their roles in the database: firm-wide roles on app_user, household roles in
// household_access (one row per user, household and role).
import {
  type AppUser,
  FIRM_ROLES,
  type FirmRole,
  HOUSEHOLD_ROLES,
  type HouseholdRole,
  type UserStore,
} from "../ports/user-store.ts";
import type { HouseholdAccess, Prisma, PrismaClient, User } from "./generated/client.ts";

const WITH_ACCESS = {
  access: { orderBy: [{ householdId: "asc" }, { role: "asc" }] },
} satisfies Prisma.UserInclude;

export function createPrismaUserStore(prisma: PrismaClient): UserStore {
  const byId = async (id: string) => {
    const row = await prisma.user.findUniqueOrThrow({ where: { id }, include: WITH_ACCESS });
    return toAppUser(row);
  };
  return {
    async findBySlackId(slackUserId) {
      const row = await prisma.user.findUnique({ where: { slackUserId }, include: WITH_ACCESS });
      return row ? toAppUser(row) : null;
    },
    async list() {
      const rows = await prisma.user.findMany({
        orderBy: [{ name: "asc" }, { id: "asc" }],
        include: WITH_ACCESS,
      });
      return rows.map(toAppUser);
    },
    async upsert(user) {
      const existing = await prisma.user.findUnique({ where: { slackUserId: user.slackUserId } });
      const changes = {
        name: user.name,
        ...(user.email !== undefined ? { email: user.email } : {}),
        ...(user.roles !== undefined ? { roles: [...new Set(user.roles)] } : {}),
        ...(user.active !== undefined ? { active: user.active } : {}),
      };
      const row = await prisma.user.upsert({
        where: { slackUserId: user.slackUserId },
        create: { id: userIdFor(user.slackUserId), slackUserId: user.slackUserId, ...changes },
        update: changes,
        include: WITH_ACCESS,
      });
      return { user: toAppUser(row), created: existing === null };
    },
    async grant(userId, householdId, role) {
      const created = await prisma.householdAccess.createMany({
        data: [{ userId, householdId, role }],
        skipDuplicates: true,
      });
      return created.count === 1;
    },
    async revoke(userId, householdId, role) {
      const deleted = await prisma.householdAccess.deleteMany({ where: { userId, householdId, role } });
      return deleted.count === 1;
    },
    async setRoles(userId, roles) {
      await prisma.user.update({ where: { id: userId }, data: { roles: [...new Set(roles)] } });
      return byId(userId);
    },
  };
}

/** "U0ADVISOR1" -> "user-u0advisor1": stable, and readable next to the demo's ids. */
function userIdFor(slackUserId: string): string {
  return `user-${slackUserId.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

function toAppUser(row: User & { access: HouseholdAccess[] }): AppUser {
  return {
    id: row.id,
    slackUserId: row.slackUserId,
    name: row.name,
    email: row.email,
    roles: row.roles.filter(isFirmRole),
    active: row.active,
    access: row.access.flatMap((grant) =>
      isHouseholdRole(grant.role) ? [{ householdId: grant.householdId, role: grant.role }] : [],
    ),
  };
}

function isFirmRole(role: string): role is FirmRole {
  return (FIRM_ROLES as readonly string[]).includes(role);
}

function isHouseholdRole(role: string): role is HouseholdRole {
  return (HOUSEHOLD_ROLES as readonly string[]).includes(role);
}
