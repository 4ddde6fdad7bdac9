import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import { createGroupCommit, type GroupCommit } from '../../db/group-commit.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import { prepareQuery, type Slots } from '../../db/prepared-query.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { parseTags } from '../codes/resolve.ts';
import { recordEvent } from '../events/outbox.ts';
import { rewardRedemption } from '../rewards/redemption-rewards.ts';
import type { RewardOutcome } from '../rewards/schema.ts';
import { networkPrefix } from '../scans/network.ts';
import { normalizeCode, readCode } from './alphabet.ts';
import type { RedeemWatch } from './abuse-limits.ts';
import { findCampaign, isRunning, type CampaignRow } from './campaigns.ts';
import { noteRedemption } from './funnel-redeemed.ts';
import type { GuessingLimits } from './guessing.ts';
import { userKey } from './party.ts';
import { addReferralEdge, alreadyReferred, checkReferral } from './referrals.ts';
import { codeExistsElsewhere, findInvite, findInviteByCode, findRedemption, type InviteRow, type RedemptionRow } from './repository.ts';
import type { Purpose, Redeem, Redemption } from './schema.ts';
import { ownerOf, routingOf } from './service.ts';
import { formatOf, getInviteSettings } from './settings.ts';

export interface RedeemInput {
  workspaceId: string;
  body: Redeem;
  /** The redeemer's address (client.ip, else the caller's): guessing limits count per address, and its network prefix is kept. */
  ip: string;
  /** The workspace's abuse thresholds and the redeemer's user agent, counted in the transaction (funnel-redeemed.ts). */
  watch: RedeemWatch;
}

function presentRedemption(invite: InviteRow, redemption: RedemptionRow, campaign: CampaignRow | undefined, replayed: boolean): Redemption {
  return {
    redemptionId: redemption.id,
    inviteId: invite.id,
    code: invite.code,
    purpose: invite.purpose as Purpose,
    owner: ownerOf(invite),
    campaign: campaign ? { id: campaign.id, name: campaign.name } : null,
    routing: routingOf(invite),
    tags: parseTags(invite.tags),
    redeemer: { userId: redemption.redeemer_id, displayName: redemption.redeemer_name },
    redeemedAt: toIso(redemption.created_at),
    reward: redemption.reward === null ? null : (JSON.parse(redemption.reward) as RewardOutcome),
    replayed,
  };
}

async function replay(db: Executor, invite: InviteRow, redemption: RedemptionRow): Promise<Redemption> {
  const campaign = invite.campaign_id === null ? undefined : await findCampaign(db, invite.workspace_id, invite.campaign_id);
  return presentRedemption(invite, redemption, campaign, true);
}

/** The problem of a code that can no longer be redeemed, or null while it is active. */
function endedProblem(invite: InviteRow, now: number): AppError | null {
  if (invite.status === 'revoked') return new AppError('invite_revoked', 'The code was revoked by its workspace');
  if (invite.status === 'exhausted') return new AppError('invite_exhausted', `The code has been used ${invite.uses} of ${invite.max_uses} times`);
  if (invite.status === 'expired' || (invite.expires_at !== null && invite.expires_at <= now)) {
    return new AppError('invite_expired', `The code expired at ${toIso(invite.expires_at)}`, { expiredAt: toIso(invite.expires_at) });
  }
  return null;
}

function notRunning(campaign: CampaignRow, now: number): AppError {
  const window = { startsAt: toIso(campaign.starts_at), endsAt: toIso(campaign.ends_at) };
  const name = JSON.stringify(campaign.name);
  const why =
    campaign.status === 'paused'
      ? 'is paused'
      : campaign.status === 'ended' || (campaign.ends_at !== null && now >= campaign.ends_at)
        ? `has ended${campaign.ends_at === null ? '' : ` (at ${window.endsAt})`}`
        : `has not started yet (it starts at ${window.startsAt})`;
  return new AppError('invite_campaign_not_running', `The campaign ${name} ${why}`, { campaign: { id: campaign.id, status: campaign.status, ...window } });
}

/** One more redemption for this redeemer in the campaign, under its per-redeemer limit (a conditional increment, as the daily quota). */
async function takeCampaignSlot(tx: Executor, campaign: CampaignRow, redeemerId: string): Promise<void> {
  const limit = campaign.per_redeemer_limit;
  if (limit === null) return;
  await tx
    .insertInto('invite_campaign_redeemers')
    .values({ campaign_id: campaign.id, redeemer_id: redeemerId, redemptions: 0 })
    .onConflict((oc) => oc.columns(['campaign_id', 'redeemer_id']).doNothing())
    .execute();
  const taken = await tx
    .updateTable('invite_campaign_redeemers')
    .set((eb) => ({ redemptions: eb('redemptions', '+', 1) }))
    .where('campaign_id', '=', campaign.id)
    .where('redeemer_id', '=', redeemerId)
    .where('redemptions', '<', limit)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 0) {
    throw new AppError('invite_campaign_limit_reached', `Each user may redeem ${limit} code(s) of the campaign ${JSON.stringify(campaign.name)}; this one already has`);
  }
}

/**
 * Takes one use: a single conditional UPDATE that only succeeds while the code is active, unexpired
 * and under its max uses, and flips it to exhausted when it takes the last use. On PostgreSQL a
 * concurrent redeemer of the same code waits for this row's lock and then re-checks the condition
 * against the committed count; SQLite runs one writer at a time. Either way no more than max_uses
 * redemptions ever commit. Returns the code as updated, or none when no use was left.
 */
const takeUse = prepareQuery((db, p: Slots<{ inviteId: string; now: number }>) => {
  const lastUse = sql<boolean>`max_uses is not null and uses + 1 >= max_uses`;
  return db
    .updateTable('invites')
    .set({
      uses: sql<number>`uses + 1`,
      status: sql<string>`case when ${lastUse} then 'exhausted' else status end`,
      ended_at: sql<number | null>`case when ${lastUse} then cast(${p.now} as bigint) else ended_at end`,
      updated_at: p.now,
    })
    .where('id', '=', p.inviteId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p.now)]))
    .returningAll();
});

const insertRedemption = prepareQuery((db, r: Slots<RedemptionRow>) =>
  db.insertInto('invite_redemptions').values({
    id: r.id,
    workspace_id: r.workspace_id,
    invite_id: r.invite_id,
    redeemer_id: r.redeemer_id,
    redeemer_name: r.redeemer_name,
    campaign_id: r.campaign_id,
    device: r.device,
    network: r.network,
    reward: r.reward,
    created_at: r.created_at,
  }),
);

/** The redemption itself, in one transaction: campaign and referral rules, the use, the rewards, the row, the edge and the event. */
async function takeRedemption(deps: Deps, tx: Executor, invite: InviteRow, input: RedeemInput): Promise<Redemption> {
  const now = deps.clock.now();
  const { workspaceId, body } = input;
  const redeemerKey = userKey(body.redeemer.userId);
  let campaign: CampaignRow | undefined;
  if (invite.campaign_id !== null) {
    campaign = await findCampaign(tx, workspaceId, invite.campaign_id);
    if (campaign && !isRunning(campaign, now)) throw notRunning(campaign, now);
  }
  if (invite.purpose === 'referral') await checkReferral(tx, deps.db.dialect, { workspaceId, ownerKey: invite.owner_key, redeemerKey });
  if (campaign) await takeCampaignSlot(tx, campaign, body.redeemer.userId);
  const [updated] = (await takeUse.execute(tx, { inviteId: invite.id, now })).rows;
  if (!updated) throw endedProblem((await findInvite(tx, workspaceId, invite.id)) ?? invite, now) ?? new AppError('invite_exhausted', 'The code has no uses left');
  const redemptionId = newId(now);
  const reward = await rewardRedemption(tx, { invite: updated, redemptionId, redeemerKey }, now);
  const redemption: RedemptionRow = {
    id: redemptionId,
    workspace_id: workspaceId,
    invite_id: invite.id,
    redeemer_id: body.redeemer.userId,
    redeemer_name: body.redeemer.displayName ?? null,
    campaign_id: invite.campaign_id,
    device: body.device ?? null,
    network: networkPrefix(input.ip),
    // Kept as it was at redemption, so a replay answers the first outcome.
    reward: reward === null ? null : JSON.stringify(reward),
    created_at: now,
  };
  await insertRedemption.execute(tx, redemption);
  if (invite.purpose === 'referral') {
    await addReferralEdge(tx, { workspaceId, inviterKey: invite.owner_key, inviteeKey: redeemerKey, inviteId: invite.id, redemptionId: redemption.id }, now);
  }
  const view = presentRedemption(updated, redemption, campaign, false);
  const { replayed: _replayed, ...payload } = view;
  await recordEvent(
    tx,
    { workspaceId, type: 'invite.redeemed', payload: { redemption: payload, uses: updated.uses, maxUses: updated.max_uses, exhausted: updated.status === 'exhausted' } },
    now,
  );
  // Last: the abuse counters are rows every redemption from one network (an integrator's backend,
  // say) updates, and PostgreSQL holds a row's lock until commit; taken any earlier, they made
  // all those redemptions wait through each other's whole transactions.
  await noteRedemption(tx, input.watch, updated, redemption);
  return view;
}

/** Refuses a code that is not one of this workspace's, counting the try against the guessing limits. */
async function refuseUnknown(deps: Deps, guessing: GuessingLimits, input: RedeemInput, code: string): Promise<never> {
  const { workspaceId, ip } = input;
  const redeemerId = input.body.redeemer.userId;
  const db = deps.db.reader;
  if (code !== '' && (await codeExistsElsewhere(db, workspaceId, code))) {
    await guessing.countUnknown(workspaceId, ip, redeemerId);
    throw new AppError('invite_code_other_workspace', "This code was issued by another workspace; redeem it with that workspace's API key");
  }
  const reading = readCode(formatOf(await getInviteSettings(db, workspaceId)), code);
  if (!reading.wellFormed) {
    await guessing.countMistyped(workspaceId, ip, redeemerId);
    throw new AppError('invite_code_mistyped', `Did you mistype? ${reading.hint}.`, { code });
  }
  await guessing.countUnknown(workspaceId, ip, redeemerId);
  throw new AppError('invite_code_unknown', 'The code is well formed but no invite code here has it: check it with the person who gave it');
}

async function redeemInvite(deps: Deps, guessing: GuessingLimits, redemptions: GroupCommit, input: RedeemInput): Promise<Redemption> {
  const { workspaceId, ip } = input;
  const redeemerId = input.body.redeemer.userId;
  await guessing.assertNotLocked(workspaceId, ip, redeemerId);
  // Reads beside the redemption batches. What they find is re-checked in the transaction (the
  // conditional use, the unique redemption per redeemer); an answer made from them alone waits
  // until what they saw is on disk.
  const db = deps.db.reader;
  const code = normalizeCode(input.body.code);
  const invite = code === '' ? undefined : await findInviteByCode(db, workspaceId, code);
  if (!invite) return refuseUnknown(deps, guessing, input, code);
  const first = await findRedemption(db, invite.id, redeemerId);
  if (first) {
    await redemptions.synced();
    return replay(db, invite, first);
  }
  const ended = endedProblem(invite, deps.clock.now());
  if (ended) {
    await redemptions.synced();
    throw ended;
  }
  try {
    return await redemptions.run((tx) => takeRedemption(deps, tx, invite, input));
  } catch (error) {
    if (!(error instanceof AppError) && !isUniqueViolation(error)) throw error;
    // A concurrent request of the same redeemer may have committed first (taking the last use, or
    // writing this user's referral edge): the answer is its redemption.
    const winner = await findRedemption(db, invite.id, redeemerId);
    if (winner) {
      await redemptions.synced();
      return replay(db, invite, winner);
    }
    // Otherwise the one-inviter-per-invitee index: another referral for this user committed first.
    if (isUniqueViolation(error)) throw alreadyReferred();
    throw error;
  }
}

export interface Redeemer {
  /**
   * Redeems a code for a user of the integrator's system. Atomic (one transaction writes the use,
   * the rewards, the redemption, the referral edge and the invite.redeemed event, or nothing) and
   * idempotent per code and redeemer: a second redemption by the same user answers the first one
   * again, also once the code has no uses left. The Idempotency-Key header replays whole responses
   * on top of that. Answers once the redemption is on disk.
   */
  redeem(input: RedeemInput): Promise<Redemption>;
  /** Writes the redemptions still queued; call when the service stops. */
  close(): Promise<void>;
}

/**
 * Redemptions go through a group commit (db/group-commit.ts): on SQLite the redemptions that
 * arrive together share one transaction, each in a savepoint of its own, and one sync of the WAL
 * off the event loop, instead of a synchronous commit each; on PostgreSQL each is its own transaction.
 */
export function createRedeemer(deps: Deps, guessing: GuessingLimits): Redeemer {
  const redemptions = createGroupCommit(deps.db, deps.logger);
  return {
    redeem: (input) => redeemInvite(deps, guessing, redemptions, input),
    close: () => redemptions.close(),
  };
}
