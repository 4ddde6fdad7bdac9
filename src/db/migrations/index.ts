import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001_foundation.ts';
import * as webhookDeliverySeries from './0002_webhook_delivery_series.ts';
import * as groups from './0003_groups.ts';
import * as codes from './0004_codes.ts';
import * as members from './0005_members.ts';
import * as liveCodes from './0006_live_codes.ts';
import * as invites from './0007_invites.ts';
import * as rewards from './0008_rewards.ts';
import * as inviteVolume from './0009_invite_volume.ts';
import * as groupQr from './0010_group_qr.ts';
import * as inviteFunnel from './0011_invite_funnel.ts';
import * as inviteOperations from './0012_invite_operations.ts';
import * as inviteBulkRevokes from './0013_invite_bulk_revokes.ts';
import * as idempotentLocation from './0014_idempotent_location.ts';

/** Every migration, in order. Imported statically so the compiled build carries them. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_webhook_delivery_series': webhookDeliverySeries,
  '0003_groups': groups,
  '0004_codes': codes,
  '0005_members': members,
  '0006_live_codes': liveCodes,
  '0007_invites': invites,
  '0008_rewards': rewards,
  '0009_invite_volume': inviteVolume,
  '0010_group_qr': groupQr,
  '0011_invite_funnel': inviteFunnel,
  '0012_invite_operations': inviteOperations,
  '0013_invite_bulk_revokes': inviteBulkRevokes,
  '0014_idempotent_location': idempotentLocation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
