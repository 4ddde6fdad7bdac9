import { Type, type Static } from 'typebox';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';

const Limit = (description: string) => Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()], { description });
const Threshold = (description: string) =>
  Type.Union(
    [
      Type.Object(
        {
          redemptions: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The alert fires when this many redemptions fall in one window' }),
          windowMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'Window length; windows are fixed, aligned to multiples of this length since 1970-01-01 UTC' }),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ],
    { description },
  );

export const AbuseSettings = Type.Object(
  {
    redeemsPerIpPerDay: Limit("Redeem requests per redeemer address in 24 hours (client.ip, else the request's address); null = no limit. Default 1000"),
    redeemsPerDevicePerDay: Limit('Redeem requests per device id in 24 hours; null = no limit. Default 20'),
    networkBurst: Threshold('Alert kind network_burst: redemptions from one network (IPv4 /24, IPv6 /48); null = off. Default 50 in 60 minutes'),
    ownerBurst: Threshold("Alert kind owner_burst: redemptions of one owner's codes; null = off. Default 50 in 60 minutes"),
    botUserAgent: Threshold('Alert kind bot_user_agent: redemptions whose client.userAgent is a bot, per network; null = off. Default 1 in 60 minutes'),
    blockOnAlert: Type.Boolean({ description: "Default false: alerts only tell. True: once an alert fired, further redemptions of its network or owner (bots: from its network) are refused until its window ends (429 invite_redemptions_held)" }),
  },
  { additionalProperties: false },
);
export type AbuseSettings = Static<typeof AbuseSettings>;
export type AbuseKind = 'network_burst' | 'owner_burst' | 'bot_user_agent';

/**
 * Seed-derived defaults. 单日千次 (a thousand sends a day) is where the seed calls it machine volume:
 * the daily limit per address, generous because a carrier NAT puts many people behind one address.
 * A device redeeming more codes a day than an enterprise account may even issue (20) is farming.
 * 50 is the seed's "same content to more than 50 people" trigger, for one network or one owner
 * within an hour. Any bot redemption is worth an alert.
 */
export const DEFAULT_ABUSE_SETTINGS: AbuseSettings = {
  redeemsPerIpPerDay: 1000,
  redeemsPerDevicePerDay: 20,
  networkBurst: { redemptions: 50, windowMinutes: 60 },
  ownerBurst: { redemptions: 50, windowMinutes: 60 },
  botUserAgent: { redemptions: 1, windowMinutes: 60 },
  blockOnAlert: false,
};

/** The threshold behind each alert kind. */
export function thresholdOf(settings: AbuseSettings, kind: AbuseKind): AbuseSettings['networkBurst'] {
  return kind === 'network_burst' ? settings.networkBurst : kind === 'owner_burst' ? settings.ownerBurst : settings.botUserAgent;
}

const threshold = (redemptions: number | null, windowMinutes: number) => (redemptions === null ? null : { redemptions, windowMinutes });

export async function getAbuseSettings(db: Executor, workspaceId: string): Promise<AbuseSettings> {
  const row = await db.selectFrom('invite_abuse_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return DEFAULT_ABUSE_SETTINGS;
  return {
    redeemsPerIpPerDay: row.redeems_per_ip_per_day,
    redeemsPerDevicePerDay: row.redeems_per_device_per_day,
    networkBurst: threshold(row.network_redemptions, row.network_window_minutes),
    ownerBurst: threshold(row.owner_redemptions, row.owner_window_minutes),
    botUserAgent: threshold(row.bot_redemptions, row.bot_window_minutes),
    blockOnAlert: row.block_on_alert === 1,
  };
}

/** Replaces the workspace's settings (audited). A switched-off threshold keeps its default window length in storage. */
export async function putAbuseSettings(deps: Deps, actor: Actor, workspaceId: string, settings: AbuseSettings): Promise<AbuseSettings> {
  const now = deps.clock.now();
  const windowOf = (value: AbuseSettings['networkBurst'], fallback: AbuseSettings['networkBurst']) => (value ?? fallback)!.windowMinutes;
  const columns = {
    redeems_per_ip_per_day: settings.redeemsPerIpPerDay,
    redeems_per_device_per_day: settings.redeemsPerDevicePerDay,
    network_redemptions: settings.networkBurst?.redemptions ?? null,
    network_window_minutes: windowOf(settings.networkBurst, DEFAULT_ABUSE_SETTINGS.networkBurst),
    owner_redemptions: settings.ownerBurst?.redemptions ?? null,
    owner_window_minutes: windowOf(settings.ownerBurst, DEFAULT_ABUSE_SETTINGS.ownerBurst),
    bot_redemptions: settings.botUserAgent?.redemptions ?? null,
    bot_window_minutes: windowOf(settings.botUserAgent, DEFAULT_ABUSE_SETTINGS.botUserAgent),
    block_on_alert: settings.blockOnAlert ? 1 : 0,
    updated_at: now,
  };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx
      .insertInto('invite_abuse_settings')
      .values({ workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(columns))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_abuse_settings.updated', targetType: 'workspace', targetId: workspaceId, details: settings }, now);
  });
  return settings;
}
