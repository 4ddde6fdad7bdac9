/**
 * The one permission table. Every workspace route names the permission it needs; a staff member
 * passes when their role is listed, an API key when the permission is among its scopes (and the
 * permission may be granted to keys at all). A test walks every route with every role.
 */
export const ROLES = ['owner', 'admin', 'moderator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

const everyone: Role[] = ['owner', 'admin', 'moderator', 'analyst'];

export const PERMISSIONS = {
  'workspace:read': { roles: everyone, apiKey: true },
  'workspace:manage': { roles: ['owner'], apiKey: false },
  'staff:read': { roles: ['owner', 'admin'], apiKey: true },
  'staff:manage': { roles: ['owner'], apiKey: false },
  'api_keys:read': { roles: ['owner', 'admin'], apiKey: true },
  'api_keys:manage': { roles: ['owner', 'admin'], apiKey: false },
  'webhooks:read': { roles: ['owner', 'admin'], apiKey: true },
  'webhooks:manage': { roles: ['owner', 'admin'], apiKey: true },
  'audit:read': { roles: ['owner', 'admin', 'analyst'], apiKey: true },
  'groups:read': { roles: everyone, apiKey: true },
  'groups:manage': { roles: ['owner', 'admin'], apiKey: true },
  'codes:read': { roles: everyone, apiKey: true },
  'codes:manage': { roles: ['owner', 'admin'], apiKey: true },
  'invites:read': { roles: everyone, apiKey: true },
  'invites:manage': { roles: ['owner', 'admin'], apiKey: true },
  // Support staff redeem on a member's behalf; integrators redeem from their servers with a key.
  'invites:redeem': { roles: ['owner', 'admin', 'moderator'], apiKey: true },
  // Money: the ledger, purchases and the referral graph's downlines are for those who run payouts and analysis.
  'rewards:read': { roles: ['owner', 'admin', 'analyst'], apiKey: true },
  'rewards:manage': { roles: ['owner', 'admin'], apiKey: true },
  // Integrators report purchases and refunds from their servers; owners and admins may correct by hand.
  'purchases:write': { roles: ['owner', 'admin'], apiKey: true },
  'mail:read': { roles: ['owner', 'admin'], apiKey: false },
  'integration:manage': { roles: ['owner'], apiKey: false },
} as const satisfies Record<string, { roles: readonly Role[]; apiKey: boolean }>;

export type Permission = keyof typeof PERMISSIONS;

export function roleGrants(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

/** Permissions an API key may carry as scopes. */
export const API_KEY_SCOPES = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => PERMISSIONS[p].apiKey);

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
