import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';

/** Parties looked up per statement: a page of the ledger or a downline level fits in one or two. */
const CHUNK = 200;

/**
 * The latest display name known for each party key ('u:<user id>' or 'm:<member id>', see
 * party.ts): the owner name given with a code they own (a member's name for member codes), or the
 * redeemer name given with a redemption they made, whichever was given last. Parties nobody named
 * are left out. Each party costs two index look-ups: the newest named code of the owner
 * (invites_owner_named, read backwards) and the user's redemptions (invite_redemptions_redeemer;
 * sorted by time, since one user redeems few codes — ordering by id would tempt the planner into
 * walking the whole workspace's redemptions), never a walk over all of an owner's codes.
 */
export async function latestPartyNames(db: Executor, workspaceId: string, keys: Iterable<string>): Promise<Map<string, string>> {
  const parties = [...new Set(keys)];
  const names = new Map<string, string>();
  for (let at = 0; at < parties.length; at += CHUNK) {
    const chunk = parties.slice(at, at + CHUNK);
    const { rows } = await sql<{ party: string; owner_name: string | null; owner_at: number | string | null; redeemer_name: string | null; redeemer_at: number | string | null }>`
      with parties(party) as (values ${sql.join(chunk.map((key) => sql`(${key})`))}),
      latest as (
        select party,
          (select i.id from invites i
            where i.workspace_id = ${workspaceId} and i.owner_key = parties.party and i.owner_name is not null
            order by i.id desc limit 1) as invite_id,
          (select r.id from invite_redemptions r
            where r.workspace_id = ${workspaceId} and substr(parties.party, 1, 2) = 'u:' and r.redeemer_id = substr(parties.party, 3) and r.redeemer_name is not null
            order by r.created_at desc, r.id desc limit 1) as redemption_id
        from parties
      )
      select latest.party, i.owner_name, i.created_at as owner_at, r.redeemer_name, r.created_at as redeemer_at
      from latest
      left join invites i on i.id = latest.invite_id
      left join invite_redemptions r on r.id = latest.redemption_id`.execute(db);
    for (const row of rows) {
      const asOwner = row.owner_name === null ? null : { name: row.owner_name, at: Number(row.owner_at) };
      const asRedeemer = row.redeemer_name === null ? null : { name: row.redeemer_name, at: Number(row.redeemer_at) };
      const latest = asOwner && asRedeemer ? (asRedeemer.at >= asOwner.at ? asRedeemer : asOwner) : (asOwner ?? asRedeemer);
      if (latest) names.set(row.party, latest.name);
    }
  }
  return names;
}
