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
  'code.scanned': 'A join code or live code was scanned (payload: codeId, groupId, outcome, tags, ua app/os, at, and for a live code the entryId it routed to); refusals included',
  'code.rotated': 'A join code got a new token (reason reset or scheduled): reprint the QR; the old one no longer works',
  'code.revoked': 'A join code was revoked; its QR no longer works',
  'live_code.created': 'A live code (活码: one permanent code for a pool of groups) was created',
  'live_code.updated': "A live code's routing rule, template, defaults or entry order changed",
  'live_code.entry_added': "An entry (a hosted group, or an external group's QR image or join link) was added to a live code's pool",
  'live_code.entry_updated': "A live code's entry was edited, paused or resumed",
  'live_code.entry_removed': "An entry was removed from a live code's pool",
  'live_code.entry_retired': "A live code's link entry was retired: it reached its scan threshold or its expiry",
  'live_code.entry_expiring': "A live code's link entry expires within 24 hours: upload a fresh group QR",
  'live_code.pool_low': "A live code's pool is down to one usable entry",
  'live_code.pool_empty': "A live code's pool has no usable entry left: scanners are turned away",
  'invite.created': 'An invite code was created (payload: the code with its owner, purpose, campaign, routing target, tags, validity and max uses)',
  'invite.redeemed': 'An invite code was redeemed (payload: the redemption with owner, redeemer, campaign, routing target and reward; exhausted when it took the last use)',
  'invite.extended': "An invite code's expiry was moved later (or made permanent); an expired code becomes active again",
  'invite.revoked': 'An invite code was revoked; it can no longer be redeemed',
  'invite.expiring': "An invite code expires within the workspace's lead time (default 24 h); once per expiry",
  'invite.expired': 'An invite code reached its expiry',
  'invite.abuse_suspected': "Redemptions look abusive, past the workspace's threshold within a window (payload kind: network_burst — many from one network, owner_burst — many of one owner's codes, bot_user_agent — a bot's user agent); once per window",
  'invite.batch_completed': 'A batch of invite codes finished generating, or an import of codes from a CSV was committed (payload: the batch with its count; no invite.created per code)',
  'invite.bulk_revoked': 'A bulk revoke too large for one request ended in the background, succeeded or failed (payload: the bulk revoke with its selection, reason and counts; no invite.revoked per code)',
  'invite.redemption_reversed': 'Staff reversed a redemption found fraudulent: it no longer counts as an invitee, and the rewards that hang off it are reversed',
  'purchase.recorded': 'The integrator reported a purchase (payload: the purchase with the referral chain it is attributed to, and the commissions it created)',
  'purchase.refunded': 'The integrator reported a refund of a purchase (payload: the refund, the purchase and the commission reversed)',
  'reward.created': 'A reward ledger entry was created, pending (a redemption reward, a milestone tier or a commission)',
  'reward.approved': 'A reward ledger entry was approved after its holding period, by staff or by auto-approval',
  'reward.paid': 'A reward ledger entry was marked paid',
  'reward.reversed': 'A reward ledger entry, or the part of a commission a refund takes back, was reversed',
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
