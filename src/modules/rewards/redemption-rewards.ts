import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import { prepareQuery, type Slots } from '../../db/prepared-query.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { userKey } from '../invites/party.ts';
import type { InviteRow } from '../invites/repository.ts';
import { insertEntries, isReversible, moveEntry, pendingEntry, presentEntry, recordMove, REFERRAL_SCOPE, type EntryRow } from './ledger.ts';
import { presentParty } from './parties.ts';
import type { CampaignRewardRules, RedemptionReversal, RewardOutcome } from './schema.ts';
import { findCampaignRules, getRewardSettings } from './settings.ts';

/**
 * The reward program a code's redemptions count in: referral codes in the workspace's referral
 * program, campaign codes in their campaign; support and tracking codes in none.
 */
export function programOf(invite: Pick<InviteRow, 'purpose' | 'campaign_id'>): string | null {
  if (invite.purpose === 'referral') return REFERRAL_SCOPE;
  if (invite.purpose === 'campaign') return invite.campaign_id;
  return null;
}

const raiseCounter = prepareQuery((db, c: Slots<{ workspaceId: string; scope: string; partyKey: string; now: number }>) =>
  db
    .insertInto('reward_counters')
    .values({ workspace_id: c.workspaceId, scope: c.scope, party_key: c.partyKey, invitees: 1, reached_at: c.now })
    .onConflict((oc) => oc.columns(['workspace_id', 'scope', 'party_key']).doUpdateSet({ invitees: sql<number>`reward_counters.invitees + 1`, reached_at: c.now }))
    .returning('invitees'),
);

/**
 * One more live invitee for the owner in the program, as a single upsert. On PostgreSQL the row
 * lock it takes is held to the end of the redeeming transaction, so concurrent redemptions for the
 * same owner count one after another and each sees the count it made; SQLite has one writer.
 */
async function raiseCount(tx: Executor, workspaceId: string, scope: string, partyKey: string, now: number): Promise<number> {
  const [row] = (await raiseCounter.execute(tx, { workspaceId, scope, partyKey, now })).rows;
  return row!.invitees;
}

async function lowerCount(tx: Executor, workspaceId: string, scope: string, partyKey: string): Promise<number> {
  const row = await tx
    .updateTable('reward_counters')
    .set({ invitees: sql<number>`invitees - 1` })
    .where('workspace_id', '=', workspaceId)
    .where('scope', '=', scope)
    .where('party_key', '=', partyKey)
    .where('invitees', '>', 0)
    .returning('invitees')
    .executeTakeFirst();
  return row?.invitees ?? 0;
}

function liveTier(tx: Executor, workspaceId: string, scope: string, partyKey: string) {
  return tx
    .selectFrom('reward_entries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('scope', '=', scope)
    .where('beneficiary_key', '=', partyKey)
    .where('kind', '=', 'milestone')
    .where('state', '!=', 'reversed');
}

/**
 * The rewards of one redemption, in the redeeming transaction: the owner's invitee count in the
 * program goes up, and under the program's rules the owner earns the per-redemption reward and the
 * milestone tier whose count this redemption reaches, unless that tier's entry already stands
 * (each tier is earned once; a tier reversed can be earned again). Returns what was created.
 */
export async function rewardRedemption(
  tx: Executor,
  input: { invite: InviteRow; redemptionId: string; redeemerKey: string },
  now: number,
): Promise<RewardOutcome> {
  const { invite } = input;
  const scope = programOf(invite);
  if (scope === null) return null;
  const workspaceId = invite.workspace_id;
  const owner = invite.owner_key;
  const invitees = await raiseCount(tx, workspaceId, scope, owner, now);
  const settings = await getRewardSettings(tx, workspaceId);
  const rules: CampaignRewardRules = scope === REFERRAL_SCOPE ? settings.referral : await findCampaignRules(tx, scope);
  const base = { workspaceId, beneficiaryKey: owner, currency: settings.currency, scope, sourceKey: input.redeemerKey, holdingDays: settings.holdingDays, redemptionId: input.redemptionId };
  const rows: EntryRow[] = [];
  if (rules.perRedemption > 0) rows.push(pendingEntry({ ...base, kind: 'redemption', amount: rules.perRedemption }, now));
  const tier = rules.milestones.find((m) => m.invitees === invitees);
  if (tier && !(await liveTier(tx, workspaceId, scope, owner).where('tier', '=', tier.invitees).executeTakeFirst())) {
    rows.push(pendingEntry({ ...base, kind: 'milestone', amount: tier.amount, tier: tier.invitees }, now));
  }
  if (rows.length === 0) return null;
  await insertEntries(tx, rows, now);
  return {
    program: scope === REFERRAL_SCOPE ? 'referral' : 'campaign',
    beneficiary: presentParty(owner),
    invitees,
    entries: rows.map((r) => ({ id: r.id, kind: r.kind as 'redemption' | 'milestone', amount: Number(r.amount), currency: r.currency, tier: r.tier })),
  };
}

/**
 * Staff reverse a redemption found fraudulent: it stops counting as the owner's invitee, and the
 * rewards that hang off it are reversed — the entries it created, and milestone tiers the owner no
 * longer reaches with one invitee fewer (they can be earned again). Paid entries are final and are
 * reported as kept. The referral edge stays: the redeemer keeps their one inviter.
 */
export async function reverseRedemption(deps: Deps, actor: Actor, workspaceId: string, redemptionId: string, reason: string | null): Promise<RedemptionReversal> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const redemption = await tx
      .selectFrom('invite_redemptions')
      .innerJoin('invites', 'invites.id', 'invite_redemptions.invite_id')
      .select(['invite_redemptions.id', 'invite_redemptions.redeemer_id', 'invites.id as invite_id', 'invites.owner_key', 'invites.purpose', 'invites.campaign_id'])
      .where('invite_redemptions.workspace_id', '=', workspaceId)
      .where('invite_redemptions.id', '=', redemptionId)
      .executeTakeFirst();
    if (!redemption) throw new AppError('not_found', 'No such redemption (redemptions of purged codes are gone)');
    const inserted = await tx
      .insertInto('redemption_reversals')
      .values({ redemption_id: redemptionId, workspace_id: workspaceId, reason, reversed_at: now })
      .onConflict((oc) => oc.column('redemption_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      const earlier = await tx.selectFrom('redemption_reversals').select('reversed_at').where('redemption_id', '=', redemptionId).executeTakeFirstOrThrow();
      throw new AppError('redemption_already_reversed', `The redemption was reversed at ${toIso(earlier.reversed_at)}`);
    }
    const scope = programOf(redemption);
    let invitees: number | null = null;
    const affected: EntryRow[] = await tx.selectFrom('reward_entries').selectAll().where('redemption_id', '=', redemptionId).where('state', '!=', 'reversed').execute();
    if (scope !== null) {
      invitees = await lowerCount(tx, workspaceId, scope, redemption.owner_key);
      const unreached = await liveTier(tx, workspaceId, scope, redemption.owner_key).where('tier', '>', invitees).execute();
      for (const row of unreached) if (!affected.some((a) => a.id === row.id)) affected.push(row);
    }
    const reversed: EntryRow[] = [];
    const kept: EntryRow[] = [];
    for (const row of affected) {
      const moved = await moveEntry(tx, row, 'reversed', now, { reason: reason ?? 'redemption reversed' });
      if (moved) {
        reversed.push(moved);
        await recordMove(tx, actor, row, moved, now, { redemptionId });
        continue;
      }
      // Paid (or paid a moment ago by a concurrent request): final, so it stays.
      const current = isReversible(row) ? await tx.selectFrom('reward_entries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow() : row;
      if (current.state !== 'reversed') kept.push(current);
    }
    const view: RedemptionReversal = { redemptionId, reason, reversedAt: toIso(now), invitees, reversed: reversed.map(presentEntry), kept: kept.map(presentEntry) };
    await recordChange(
      tx,
      actor,
      {
        workspaceId,
        action: 'invite.redemption_reversed',
        targetType: 'invite_redemption',
        targetId: redemptionId,
        details: { inviteId: redemption.invite_id, redeemerId: redemption.redeemer_id, reason, reversed: reversed.map((r) => r.id), kept: kept.map((r) => r.id) },
        event: { ...view, inviteId: redemption.invite_id, owner: presentParty(redemption.owner_key), redeemer: presentParty(userKey(redemption.redeemer_id)) },
      },
      now,
    );
    return view;
  });
}
