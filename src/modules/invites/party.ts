/**
 * Party keys name the people in the referral graph and the owners that quotas count: 'u:<id>' for
 * a user of the integrator's system, 'm:<id>' for a member known only here (by email). A member
 * who signed in with an integrator token is the same person as that user id, so they are 'u:' too.
 */
export function userKey(userId: string): string {
  return `u:${userId}`;
}

export function memberKey(member: { id: string; external_user_id: string | null }): string {
  return member.external_user_id === null ? `m:${member.id}` : userKey(member.external_user_id);
}
