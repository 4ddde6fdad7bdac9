import type { Role } from './api/types.ts';
// The server's own permission table (a dependency-free module), so the console offers exactly what
// a role may do and cannot drift from it. The server still decides; a 403 is shown gracefully.
import { PERMISSIONS, ROLES as SERVER_ROLES, type Permission } from '../../src/modules/staff/permissions.ts';

export const ROLES: readonly Role[] = SERVER_ROLES;

/** The console's pages, as they appear in the URL after /w/:workspaceId/, in menu order. */
export const SECTIONS = ['overview', 'groups', 'codes', 'live-codes', 'invites', 'campaigns', 'referrals', 'rewards', 'funnel', 'staff', 'api-keys', 'webhooks', 'audit-log', 'mail-outbox', 'plan'] as const;
export type Section = (typeof SECTIONS)[number];

function grants(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

const sectionNeeds: Record<Section, (role: Role) => boolean> = {
  overview: (role) => grants(role, 'workspace:read'),
  groups: (role) => grants(role, 'groups:read'),
  codes: (role) => grants(role, 'codes:read'),
  'live-codes': (role) => grants(role, 'codes:read'),
  invites: (role) => grants(role, 'invites:read'),
  campaigns: (role) => grants(role, 'invites:read'),
  funnel: (role) => grants(role, 'invites:read'),
  // The referral graph and the ledger are money: rewards:read (not every role has it).
  referrals: (role) => grants(role, 'rewards:read'),
  rewards: (role) => grants(role, 'rewards:read'),
  staff: (role) => grants(role, 'staff:read'),
  'api-keys': (role) => grants(role, 'api_keys:read'),
  webhooks: (role) => grants(role, 'webhooks:read'),
  'audit-log': (role) => grants(role, 'audit:read'),
  'mail-outbox': (role) => grants(role, 'mail:read'),
  // Every role may read the plan (workspace:read, and Overview shows it); this settings page is
  // for the owners who change it and the admins who run the workspace with them.
  plan: (role) => role === 'owner' || role === 'admin',
};

export function canOpen(role: Role, section: Section): boolean {
  return sectionNeeds[section](role);
}

export function canManageStaff(role: Role): boolean {
  return grants(role, 'staff:manage');
}

export function canManageGroups(role: Role): boolean {
  return grants(role, 'groups:manage');
}

export function canManageCodes(role: Role): boolean {
  return grants(role, 'codes:manage');
}

export function canManageInvites(role: Role): boolean {
  return grants(role, 'invites:manage');
}

export function canReadRewards(role: Role): boolean {
  return grants(role, 'rewards:read');
}

export function canManageRewards(role: Role): boolean {
  return grants(role, 'rewards:manage');
}

export function canEditWorkspace(role: Role): boolean {
  return grants(role, 'workspace:manage');
}

export function isSection(value: string | undefined): value is Section {
  return (SECTIONS as readonly string[]).includes(value ?? '');
}
