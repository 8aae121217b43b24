// The one authorisation check every surface crosses (tools, buttons, modals, the CLI, the scan).
// Advisors see and draft for their households; approvers see and decide for theirs; compliance reads
// everything and changes nothing; admins manage users, the book and the job queue (and read them) but
// never decide a plan; the local operator has admin rights; an unknown or deactivated id may do nothing.
import { err, ok, type Problem, type Result } from "../domain/result.ts";
import type { Principal } from "./principal.ts";

export type HouseholdAction = "household.read" | "household.draft" | "plan.decide";
export type FirmAction = "audit.read" | "jobs.read" | "book.manage" | "jobs.manage" | "users.manage";
export type Action = HouseholdAction | FirmAction;

export const FORBIDDEN_MESSAGE = "You have no role on this household; ask an admin.";

export function can(principal: Principal, action: HouseholdAction, householdId: string): boolean;
export function can(principal: Principal, action: FirmAction): boolean;
export function can(principal: Principal, action: Action, householdId?: string): boolean {
  if (principal.kind === "unknown") return false;
  if (principal.kind === "operator") return action !== "plan.decide";
  const { user } = principal;
  const firm = (role: "COMPLIANCE" | "ADMIN") => user.roles.includes(role);
  const holds = (role: "ADVISOR" | "APPROVER") =>
    user.access.some((grant) => grant.householdId === householdId && grant.role === role);
  switch (action) {
    case "household.read":
      return firm("COMPLIANCE") || firm("ADMIN") || holds("ADVISOR") || holds("APPROVER");
    case "household.draft":
      return firm("ADMIN") || holds("ADVISOR");
    case "plan.decide":
      return holds("APPROVER");
    case "audit.read":
    case "jobs.read":
      return firm("COMPLIANCE") || firm("ADMIN");
    case "book.manage":
    case "jobs.manage":
    case "users.manage":
      return firm("ADMIN");
  }
}

/** `can` as a Result with the refusal every surface shows: it never says whether the household exists. */
export function authorize(
  principal: Principal,
  action: HouseholdAction,
  householdId: string,
): Result<void, Problem> {
  return can(principal, action, householdId) ? ok(undefined) : err(forbidden(principal));
}

export function forbidden(principal: Principal): Problem {
  return {
    code: "forbidden",
    message:
      principal.kind === "unknown"
        ? "You are not set up in lotwise, so you have no role on this household; ask an admin."
        : FORBIDDEN_MESSAGE,
  };
}

/** The households this principal may read, from a list of all of them (firm-wide readers see every one). */
export function readableHouseholds<H extends { id: string }>(
  principal: Principal,
  households: readonly H[],
): H[] {
  return households.filter((household) => can(principal, "household.read", household.id));
}

/** True when the principal may read at least one household: someone with no role at all is refused up front. */
export function hasAnyRole(principal: Principal): boolean {
  if (principal.kind === "unknown") return false;
  if (principal.kind === "operator") return true;
  return principal.user.roles.length > 0 || principal.user.access.length > 0;
}

/**
 * Compliance, admins and the local operator read every household, so only they may learn that a
 * household id or name matches nothing; everyone else is told "forbidden" either way.
 */
export function readsEveryHousehold(principal: Principal): boolean {
  if (principal.kind === "unknown") return false;
  if (principal.kind === "operator") return true;
  return principal.user.roles.includes("COMPLIANCE") || principal.user.roles.includes("ADMIN");
}
