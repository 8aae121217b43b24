// lotwise users list | add | grant | revoke: who may use lotwise and in which role. Household roles
// (ADVISOR, APPROVER) are held per household; COMPLIANCE and ADMIN are firm-wide. Every change is
// audited on the "users" stream, as the principal who made it. Every users command needs the
// users.manage right (ADMIN, or the local operator).
import { actorOf } from "../../access/principal.ts";
import { findByName, findHousehold } from "../../engine/find-by-name.ts";
import type { OpenedStore } from "../../main.ts";
import {
  type AppUser,
  FIRM_ROLES,
  type FirmRole,
  HOUSEHOLD_ROLES,
  type HouseholdRole,
  type UserStore,
} from "../../ports/user-store.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";
import { renderTable } from "../format.ts";

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const AUDIT_STREAM = "users";

// Until the composition root hands the user store over with the others, build it over the opened
// database the same way.
async function userStoreOf(opened: OpenedStore): Promise<UserStore> {
  return opened.users;
}

function userJson(user: AppUser) {
  return {
    id: user.id,
    slackUserId: user.slackUserId,
    name: user.name,
    email: user.email,
    roles: user.roles,
    active: user.active,
    access: user.access,
  };
}

function householdRolesText(user: AppUser): string {
  const parts = HOUSEHOLD_ROLES.flatMap((role) => {
    const households = user.access.filter((a) => a.role === role).map((a) => a.householdId);
    return households.length > 0 ? [`${role}: ${households.join(", ")}`] : [];
  });
  return parts.length > 0 ? parts.join("; ") : "-";
}

type ParsedRole = { scope: "firm"; role: FirmRole } | { scope: "household"; role: HouseholdRole };

function parseRole(text: string): ParsedRole {
  const role = text.trim().toUpperCase();
  const firm = FIRM_ROLES.find((r) => r === role);
  if (firm) return { scope: "firm", role: firm };
  const household = HOUSEHOLD_ROLES.find((r) => r === role);
  if (household) return { scope: "household", role: household };
  throw new UsageError(
    `unknown role "${text}": household roles are ${HOUSEHOLD_ROLES.join(", ")}; firm-wide roles are ${FIRM_ROLES.join(", ")}`,
  );
}

/** A Slack user id (exact), a user id, or a name (or the unique start of one). */
function pickUser(users: readonly AppUser[], query: string): AppUser {
  const bySlack = users.find((u) => u.slackUserId.toLowerCase() === query.trim().toLowerCase());
  if (bySlack) return bySlack;
  const found = findByName(query, users, "user");
  if (!found.ok) throw new CliError(`${found.error.message}; see lotwise users list`);
  return found.value;
}

function roleSentence(
  name: string,
  role: ParsedRole,
  where: string,
  granting: boolean,
  changed: boolean,
): string {
  if (role.scope === "household") {
    const what = `${role.role === "ADVISOR" ? "an advisor" : "an approver"}${where}`;
    if (changed) return `${name} ${granting ? "is now" : "is no longer"} ${what}.`;
    return `${name} ${granting ? "is already" : "is not"} ${what}; nothing changed.`;
  }
  const what = `the firm-wide ${role.role} role`;
  if (changed) return `${name} ${granting ? "now has" : "no longer has"} ${what}.`;
  return `${name} ${granting ? "already has" : "does not have"} ${what}; nothing changed.`;
}

export const usersListCommand: Command = {
  name: "users list",
  summary: "List lotwise users, their firm-wide roles and the households they serve",
  usage: "lotwise users list [--json]",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the users as JSON" },
  actsAs: true,
  run(context, { values }) {
    const options = { quiet: Boolean(values.json), command: "users list", needs: "users.manage" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const users = await (await userStoreOf(opened)).list();
      progress.done();
      if (values.json) {
        context.io.stdout.write(`${JSON.stringify(users.map(userJson), null, 2)}\n`);
        return 0;
      }
      if (users.length === 0) {
        context.io.stdout.write(
          "No users yet. Add one with: lotwise users add <slackUserId> --name <name>\n",
        );
        return 0;
      }
      context.io.stdout.write(
        `${renderTable(users, [
          { header: "SLACK ID", value: (u) => u.slackUserId },
          { header: "NAME", value: (u) => u.name },
          { header: "EMAIL", value: (u) => u.email ?? "-" },
          { header: "FIRM ROLES", value: (u) => (u.roles.length > 0 ? u.roles.join(", ") : "-") },
          { header: "HOUSEHOLD ROLES", value: householdRolesText },
          { header: "ACTIVE", value: (u) => (u.active ? "yes" : "no") },
        ])}\n`,
      );
      return 0;
    });
  },
};

export const usersAddCommand: Command = {
  name: "users add",
  summary: "Add a user by Slack id, or update their name, email and firm-wide roles",
  usage:
    "lotwise users add <slackUserId> --name <name> [--email <email>] [--role COMPLIANCE|ADMIN]... [--json]",
  details:
    "The Slack user id is the U... (or W...) id from the member's Slack profile. Household roles are\n" +
    "granted separately: lotwise users grant <user> <household> --role ADVISOR|APPROVER.\n" +
    "For an existing user, only the options given change; --role replaces the firm-wide roles.",
  options: {
    name: { type: "string" },
    email: { type: "string" },
    role: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    name: "the person's name (required for a new user)",
    email: "their email address",
    role: "a firm-wide role, COMPLIANCE or ADMIN (repeat for both)",
    json: "print the user as JSON",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const slackUserId = (positionals[0] as string).trim();
    if (!SLACK_USER_ID.test(slackUserId)) {
      throw new UsageError(`"${slackUserId}" is not a Slack user id (they look like U0123ABCD)`);
    }
    const name = (values.name as string | undefined)?.trim();
    if (name === "") throw new UsageError("--name cannot be empty");
    const email = (values.email as string | undefined)?.trim();
    if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw new UsageError(`"${email}" is not an email address`);
    }
    const roles = (values.role as string[] | undefined)?.map((text) => {
      const parsed = parseRole(text);
      if (parsed.scope === "household") {
        throw new UsageError(
          `${parsed.role} is a household role: grant it with lotwise users grant ${slackUserId} <household> --role ${parsed.role}`,
        );
      }
      return parsed.role;
    });
    const options = { quiet: Boolean(values.json), command: "users add", needs: "users.manage" } as const;
    return withPrincipal(context, options, async (opened, progress, principal) => {
      const users = await userStoreOf(opened);
      const existing = await users.findBySlackId(slackUserId);
      const resolvedName = name ?? existing?.name;
      if (resolvedName === undefined) throw new UsageError("--name is required for a new user");
      const { user, created } = await users.upsert({
        slackUserId,
        name: resolvedName,
        ...(email !== undefined ? { email } : {}),
        ...(roles !== undefined ? { roles } : {}),
      });
      await opened.audit.append({
        stream: AUDIT_STREAM,
        type: created ? "user.added" : "user.updated",
        actor: actorOf(principal),
        payload: userJson(user),
      });
      progress.done();
      if (values.json) {
        context.io.stdout.write(`${JSON.stringify(userJson(user), null, 2)}\n`);
        return 0;
      }
      const firmRoles = user.roles.length > 0 ? user.roles.join(", ") : "no firm-wide role";
      context.io.stdout.write(
        `${created ? "Added" : "Updated"} ${user.name} (${user.slackUserId}, ${user.id}): ${firmRoles}.\n`,
      );
      if (created) {
        context.io.stdout.write(
          `Grant household roles with: lotwise users grant ${user.slackUserId} <household> --role ADVISOR|APPROVER\n`,
        );
      }
      return 0;
    });
  },
};

function roleChangeCommand(kind: "grant" | "revoke"): Command {
  const granting = kind === "grant";
  return {
    name: `users ${kind}`,
    summary: granting
      ? "Give a user a role for a household (ADVISOR, APPROVER) or firm-wide (COMPLIANCE, ADMIN)"
      : "Take a household or firm-wide role away from a user",
    usage: `lotwise users ${kind} <user> [<household>] --role ROLE [--json]`,
    details:
      "<user> is a Slack user id, a user id or a name; <household> a household id or name (or the start\n" +
      "of one). ADVISOR and APPROVER are held per household and need <household>; COMPLIANCE and ADMIN\n" +
      "are firm-wide and take none. Only a household's approvers can approve or reject its plans.\n" +
      `Example: lotwise users ${kind} U0APPROVER1 chen --role APPROVER`,
    options: { role: { type: "string" }, json: { type: "boolean", default: false } },
    optionHelp: {
      role: "ADVISOR or APPROVER (with a household), COMPLIANCE or ADMIN (without)",
      json: "print the user as JSON",
    },
    positionals: { min: 1, max: 2 },
    actsAs: true,
    run(context: CommandContext, { values, positionals }) {
      const roleText = values.role as string | undefined;
      if (roleText === undefined) throw new UsageError("--role is required");
      const role = parseRole(roleText);
      const householdQuery = positionals[1];
      if (role.scope === "household" && householdQuery === undefined) {
        throw new UsageError(`${role.role} is held per household: name the household`);
      }
      if (role.scope === "firm" && householdQuery !== undefined) {
        throw new UsageError(`${role.role} is firm-wide: leave out the household`);
      }
      const options = {
        quiet: Boolean(values.json),
        command: `users ${kind}`,
        needs: "users.manage",
      } as const;
      return withPrincipal(context, options, async (opened, progress, principal) => {
        const users = await userStoreOf(opened);
        const user = pickUser(await users.list(), positionals[0] as string);
        let changed: boolean;
        let where: string;
        let householdId: string | null = null;
        if (role.scope === "household") {
          const household = findHousehold(householdQuery as string, await opened.store.listHouseholds());
          if (!household.ok) throw new CliError(`${household.error.message}; see lotwise households`);
          householdId = household.value.id;
          where = ` for ${household.value.name}`;
          changed = granting
            ? await users.grant(user.id, householdId, role.role)
            : await users.revoke(user.id, householdId, role.role);
        } else {
          const has = user.roles.includes(role.role);
          changed = granting ? !has : has;
          where = "";
          if (changed) {
            await users.setRoles(
              user.id,
              granting ? [...user.roles, role.role] : user.roles.filter((r) => r !== role.role),
            );
          }
        }
        if (changed) {
          await opened.audit.append({
            stream: AUDIT_STREAM,
            type: granting ? "user.role-granted" : "user.role-revoked",
            actor: actorOf(principal),
            payload: { userId: user.id, slackUserId: user.slackUserId, role: role.role, householdId },
          });
        }
        const after = (await users.findBySlackId(user.slackUserId)) ?? user;
        progress.done();
        if (values.json) {
          context.io.stdout.write(`${JSON.stringify(userJson(after), null, 2)}\n`);
          return 0;
        }
        context.io.stdout.write(`${roleSentence(user.name, role, where, granting, changed)}\n`);
        return 0;
      });
    },
  };
}

export const usersGrantCommand = roleChangeCommand("grant");
export const usersRevokeCommand = roleChangeCommand("revoke");
