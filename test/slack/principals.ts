// Principals for the Slack tests that fake their stores: a lotwise user with the given grants.
import type { Principal } from "../../src/access/principal.ts";
import type { FirmRole, HouseholdGrant } from "../../src/ports/user-store.ts";

export function slackUser(
  slackUserId: string,
  grants: { access?: HouseholdGrant[]; roles?: FirmRole[] } = {},
): Principal {
  return {
    kind: "user",
    user: {
      id: `user-${slackUserId.toLowerCase()}`,
      slackUserId,
      name: slackUserId,
      email: null,
      roles: grants.roles ?? [],
      active: true,
      access: grants.access ?? [],
    },
  };
}

/** Resolves the ids of `known` and nothing else (like resolveUser over a store holding only them). */
export function principalsOf(...known: Principal[]): (slackUserId: string) => Promise<Principal> {
  return async (slackUserId) =>
    known.find((p) => p.kind === "user" && p.user.slackUserId === slackUserId) ?? {
      kind: "unknown",
      claimedId: slackUserId,
    };
}
