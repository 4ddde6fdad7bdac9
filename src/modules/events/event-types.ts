/**
 * Every event type joincode emits, with the description the console and OpenAPI show. Webhook
 * endpoints subscribe to these names; a module adds its types here when it starts emitting them.
 */
export const EVENT_TYPES = {
  'workspace.created': 'A workspace was created',
  'workspace.updated': 'A workspace name, plan or limits changed',
  'staff.invited': 'A person was invited to the staff of a workspace',
  'staff.invitation_revoked': 'A pending staff invitation was revoked',
  'staff.joined': 'An invited person accepted and joined the staff',
  'staff.role_changed': "A staff member's role changed",
  'staff.removed': 'A staff member was removed from the workspace',
  'api_key.created': 'An API key was created',
  'api_key.revoked': 'An API key was revoked',
  'group.created': 'A group was created (by staff, the API, or a live code filling up)',
  'group.updated': 'A group was edited or archived',
  'code.created': 'A join code (group QR) was created',
  'code.updated': 'A join code was edited, paused or resumed',
  'code.scanned': 'A join code was scanned (payload: codeId, groupId, outcome, tags, ua app/os, at); refusals included',
  'code.rotated': 'A join code got a new token (reason reset or scheduled): reprint the QR; the old one no longer works',
  'code.revoked': 'A join code was revoked; its QR no longer works',
  'member.joined': 'A member joined a hosted group (with the code, channel tags and inviter that brought them)',
  'member.removed': 'A member was removed from a group (for example by revoking a leaked code with its blast radius)',
  'member.held_for_review': 'A member was moved to review (for example by revoking a leaked code with its blast radius)',
  'member.left': 'A member left a hosted group',
  'webhook.test': 'A test event sent from the console or API',
  'webhook_endpoint.disabled': 'A webhook endpoint was disabled after failing for too long',
} as const satisfies Record<string, string>;

export type EventType = keyof typeof EVENT_TYPES;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value);
}
