// Who is asking, resolved once at the edge (a Slack user id, the CLI's --as user, or the local operator)
// and carried with every request into the agent, each tool call and each use case.
import type { AppUser, FirmRole, HouseholdGrant, UserStore } from "../ports/user-store.ts";

export type Principal =
  /** A known, active lotwise user with their firm roles and household grants. */
  | { kind: "user"; user: AppUser }
  /** Whoever runs the CLI on this machine without --as: admin rights (they can read the database anyway). */
  | { kind: "operator"; osUser: string }
  /** An id lotwise does not know, or a deactivated user: may do nothing. */
  | { kind: "unknown"; claimedId: string };

/** The id recorded as a plan's requester and in the audit log's actor ("user:U0ADVISOR1", "operator:ana"). */
export function principalId(principal: Principal): string {
  switch (principal.kind) {
    case "user":
      return principal.user.slackUserId;
    case "operator":
      return `operator:${principal.osUser}`;
    case "unknown":
      return principal.claimedId;
  }
}

/** The audit event actor for what this principal did. */
export function actorOf(principal: Principal): `${"user" | "operator" | "unknown"}:${string}` {
  switch (principal.kind) {
    case "user":
      return `user:${principal.user.slackUserId}`;
    case "operator":
      return `operator:${principal.osUser}`;
    case "unknown":
      return `unknown:${principal.claimedId}`;
  }
}

/** A Slack user id (or a CLI --as value naming one) to a principal; unknown and deactivated users are unknown. */
export async function resolveUser(
  users: Pick<UserStore, "findBySlackId">,
  slackUserId: string,
): Promise<Principal> {
  const user = await users.findBySlackId(slackUserId);
  return user?.active ? { kind: "user", user } : { kind: "unknown", claimedId: slackUserId };
}

export function operatorPrincipal(osUser: string): Principal {
  return { kind: "operator", osUser: osUser.trim() === "" ? "unknown" : osUser };
}

/**
 * A principal as the audit log keeps it with each tool call: who, and the roles and grants that
 * decided what they could read then, so a replay authorises exactly as the call did even after
 * grants change. No name or email.
 */
export type PrincipalRecord =
  | { kind: "user"; id: string; userId: string; roles: FirmRole[]; access: HouseholdGrant[] }
  | { kind: "operator"; id: string }
  | { kind: "unknown"; id: string };

export function principalRecord(principal: Principal): PrincipalRecord {
  switch (principal.kind) {
    case "user": {
      const { user } = principal;
      return {
        kind: "user",
        id: user.slackUserId,
        userId: user.id,
        roles: [...user.roles],
        access: user.access.map(({ householdId, role }) => ({ householdId, role })),
      };
    }
    case "operator":
      return { kind: "operator", id: principalId(principal) };
    case "unknown":
      return { kind: "unknown", id: principal.claimedId };
  }
}

/** The principal a record describes, with the roles and grants it had when it was recorded. */
export function principalFromRecord(record: PrincipalRecord): Principal {
  switch (record.kind) {
    case "user":
      return {
        kind: "user",
        user: {
          id: record.userId,
          slackUserId: record.id,
          name: record.id,
          email: null,
          roles: [...record.roles],
          active: true,
          access: record.access.map(({ householdId, role }) => ({ householdId, role })),
        },
      };
    case "operator":
      return operatorPrincipal(record.id.replace(/^operator:/, ""));
    case "unknown":
      return { kind: "unknown", claimedId: record.id };
  }
}
