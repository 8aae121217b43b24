// Who a CLI command acts as: --as <slack user id>, else LOTWISE_USER, else whoever runs it on this
// machine (the local operator, audited as operator:<os user>). A named user is resolved as Slack
// users are; an unknown or deactivated one is refused before anything is done, and so is anyone
// without the firm-wide right a command needs. Every refusal is an audit event.
import { userInfo } from "node:os";
import { can, type FirmAction, forbidden, type HouseholdAction } from "../access/authorize.ts";
import { actorOf, operatorPrincipal, type Principal, principalId, resolveUser } from "../access/principal.ts";
import type { OpenedStore } from "../main.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { UserStore } from "../ports/user-store.ts";
import { CliError, type CommandContext } from "./command.ts";
import type { Progress } from "./progress.ts";
import { withStore } from "./with-store.ts";

/** The audit stream of refusals outside a conversation (the CLI's). */
export const ACCESS_STREAM = "access";

const FIRM_ACTION_WORDS: Record<FirmAction, string> = {
  "audit.read": "read the audit log (that needs the COMPLIANCE or ADMIN role)",
  "book.manage": "change the book (that needs the ADMIN role)",
  "jobs.read": "list the job queue (that needs the COMPLIANCE or ADMIN role)",
  "jobs.manage": "retry jobs on the queue (that needs the ADMIN role)",
  "users.manage": "manage users and roles (that needs the ADMIN role)",
};

export async function cliPrincipal(
  context: CommandContext,
  users: Pick<UserStore, "findBySlackId">,
): Promise<Principal> {
  const claimed = context.asUser ?? context.services.config.cliUser;
  return claimed === null ? operatorPrincipal(osUserName()) : resolveUser(users, claimed);
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "";
  }
}

/**
 * withStore, acting as the command's principal: `work` runs only for a known principal holding
 * `needs` (a firm-wide action) when given; household checks are the command's own.
 */
export function withPrincipal<T>(
  context: CommandContext,
  options: Parameters<typeof withStore>[1] & { command: string; needs?: FirmAction },
  work: (opened: OpenedStore, progress: Progress, principal: Principal) => Promise<T>,
): Promise<T> {
  const { command, needs, ...storeOptions } = options;
  return withStore(context, storeOptions, async (opened, progress) => {
    const principal = await cliPrincipal(context, opened.users);
    if (principal.kind === "unknown") {
      await recordRefusal(opened.audit, principal, { command, reason: "unknown-user" });
      const source = context.asUser === undefined ? "LOTWISE_USER" : "--as";
      throw new CliError(
        `${source} ${principal.claimedId} is not an active lotwise user, so nothing was done; ask an admin (lotwise users add)`,
      );
    }
    if (needs && !can(principal, needs)) {
      await recordRefusal(opened.audit, principal, { command, action: needs });
      throw new CliError(`${describe(principal)} may not ${FIRM_ACTION_WORDS[needs]}; nothing was done`);
    }
    return work(opened, progress, principal);
  });
}

/** A household the principal may not act on (or that does not exist, for all they may know): audited, exit 1. */
export async function refuseHousehold(
  audit: AuditLog,
  principal: Principal,
  details: { command: string; action: HouseholdAction; household: string },
): Promise<never> {
  await recordRefusal(audit, principal, details);
  throw new CliError(forbidden(principal).message);
}

async function recordRefusal(
  audit: AuditLog,
  principal: Principal,
  details: Record<string, string>,
): Promise<void> {
  await audit.append({
    stream: ACCESS_STREAM,
    type: "access.refused",
    actor: actorOf(principal),
    payload: { principal: { id: principalId(principal), kind: principal.kind }, surface: "cli", ...details },
  });
}

function describe(principal: Principal): string {
  return principal.kind === "user"
    ? `${principal.user.name} (${principal.user.slackUserId})`
    : principalId(principal);
}
