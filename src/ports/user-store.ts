// The people who use lotwise and what they may do: firm-wide roles (compliance, admin) on the user,
// household roles (advisor, approver) per household. Approval rights are checked against these.

/** Roles that apply across the firm. */
export const FIRM_ROLES = ["COMPLIANCE", "ADMIN"] as const;
export type FirmRole = (typeof FIRM_ROLES)[number];

/** Roles held for one household. */
export const HOUSEHOLD_ROLES = ["ADVISOR", "APPROVER"] as const;
export type HouseholdRole = (typeof HOUSEHOLD_ROLES)[number];

export interface HouseholdGrant {
  householdId: string;
  role: HouseholdRole;
}

export interface AppUser {
  id: string;
  slackUserId: string;
  name: string;
  email: string | null;
  roles: FirmRole[];
  active: boolean;
  /** Sorted by household, then role. */
  access: HouseholdGrant[];
}

export interface UserToSave {
  slackUserId: string;
  name: string;
  /** Omitted: unchanged for an existing user, none for a new one. */
  email?: string | null;
  /** Omitted: unchanged for an existing user, none for a new one. */
  roles?: FirmRole[];
  /** Omitted: unchanged for an existing user, active for a new one. */
  active?: boolean;
}

export interface UserStore {
  findBySlackId(slackUserId: string): Promise<AppUser | null>;
  /** Every user, by name. */
  list(): Promise<AppUser[]>;
  /** Adds the user, or updates the one with that Slack id; `created` says which. */
  upsert(user: UserToSave): Promise<{ user: AppUser; created: boolean }>;
  /** False when the user already had that role for the household. */
  grant(userId: string, householdId: string, role: HouseholdRole): Promise<boolean>;
  /** False when the user did not have that role for the household. */
  revoke(userId: string, householdId: string, role: HouseholdRole): Promise<boolean>;
  /** Sets the user's firm-wide roles. */
  setRoles(userId: string, roles: readonly FirmRole[]): Promise<AppUser>;
}
