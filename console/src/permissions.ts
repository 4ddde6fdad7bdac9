import type { Role } from './api/types.ts';

export const ROLES: readonly Role[] = ['owner', 'admin', 'moderator', 'analyst'];

/** The console's pages, as they appear in the URL after /w/:workspaceId/. */
export const SECTIONS = ['overview', 'staff', 'api-keys', 'webhooks', 'audit-log', 'plan'] as const;
export type Section = (typeof SECTIONS)[number];

// Mirrors the server's role rules so the console only offers what the role may do; the server
// still decides, and a 403 is shown gracefully wherever it happens.
const readers: Record<Section, readonly Role[]> = {
  overview: ['owner', 'admin', 'moderator', 'analyst'],
  staff: ['owner', 'admin'],
  'api-keys': ['owner', 'admin'],
  webhooks: ['owner', 'admin'],
  'audit-log': ['owner', 'admin', 'analyst'],
  plan: ['owner', 'admin'],
};

export function canOpen(role: Role, section: Section): boolean {
  return readers[section].includes(role);
}

export function canManageStaff(role: Role): boolean {
  return role === 'owner';
}

export function canEditWorkspace(role: Role): boolean {
  return role === 'owner';
}

export function isSection(value: string | undefined): value is Section {
  return (SECTIONS as readonly string[]).includes(value ?? '');
}
