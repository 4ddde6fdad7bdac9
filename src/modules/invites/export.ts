import type { Readable } from 'node:stream';
import type { Deps } from '../../deps.ts';
import { exportRows, type ExportColumn, type SpreadsheetFormat } from '../../infra/spreadsheet/export.ts';
import type { Locale, Messages } from '../../pages/locale.ts';
import { parseTags } from '../codes/resolve.ts';
import { listInviteRows, type InviteRow, type InviteSelection } from './repository.ts';
import type { InviteState } from './schema.ts';
import { stateOf } from './service.ts';
import { shortLinkUrl } from './short-links.ts';

/**
 * Invite codes as a CSV or XLSX download, streamed: rows are read a page at a time by id (from
 * the read connection, so a long download never holds up writers) only as fast as the client
 * takes the file. Headers and state names follow the reader's language; other values stay
 * machine-readable (enum names, ISO times in CSV, date cells in XLSX), so that a file exported here
 * imports again (import.ts reads the same headers and ignores the state).
 */

/** Rows per read: enough to keep the reads few, small enough that memory stays flat. */
const PAGE = 1000;

export type ExportColumnKey =
  | 'code'
  | 'shortLink'
  | 'state'
  | 'purpose'
  | 'ownerType'
  | 'ownerId'
  | 'ownerName'
  | 'campaignId'
  | 'routing'
  | 'tags'
  | 'maxUses'
  | 'uses'
  | 'expiresAt'
  | 'linkSuffix'
  | 'origin'
  | 'batchId'
  | 'createdAt';

export const EXPORT_HEADERS: Messages<ExportColumnKey | 'unlimited'> = {
  'zh-CN': {
    code: '邀请码',
    shortLink: '短链接',
    state: '状态',
    purpose: '用途',
    ownerType: '所有者类型',
    ownerId: '所有者ID',
    ownerName: '所有者名称',
    campaignId: '活动ID',
    routing: '分配对象',
    tags: '渠道标签',
    maxUses: '最多使用次数',
    uses: '已使用次数',
    expiresAt: '过期时间',
    linkSuffix: '短链尾缀',
    origin: '来源',
    batchId: '批次ID',
    createdAt: '创建时间',
    unlimited: '不限',
  },
  en: {
    code: 'Code',
    shortLink: 'Short link',
    state: 'State',
    purpose: 'Purpose',
    ownerType: 'Owner type',
    ownerId: 'Owner ID',
    ownerName: 'Owner name',
    campaignId: 'Campaign ID',
    routing: 'Routing',
    tags: 'Tags',
    maxUses: 'Max uses',
    uses: 'Uses',
    expiresAt: 'Expires at',
    linkSuffix: 'Link suffix',
    origin: 'Origin',
    batchId: 'Batch ID',
    createdAt: 'Created at',
    unlimited: 'unlimited',
  },
};

/**
 * A code's state as the reader's language names it (the Chinese words are the console's). English
 * keeps the API's names, so an English file reads as the API does.
 */
const STATE_NAMES: Messages<InviteState> = {
  'zh-CN': { active: '有效', expired: '已过期', exhausted: '已用完', revoked: '已撤销', archived: '已归档' },
  en: { active: 'active', expired: 'expired', exhausted: 'exhausted', revoked: 'revoked', archived: 'archived' },
};

/** "type:name", as the import reads it. */
export function routingText(routing: string | null): string | null {
  if (routing === null) return null;
  const { type, name } = JSON.parse(routing) as { type: string; name: string };
  return `${type}:${name}`;
}

/** "key=value; key=value", as the import reads it. */
export function tagsText(tags: string): string {
  return Object.entries(parseTags(tags))
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${value}`)
    .join('; ');
}

function columns(deps: Deps, locale: Locale, now: number): ExportColumn<InviteRow>[] {
  const t = EXPORT_HEADERS[locale];
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return [
    { header: t.code, value: (r) => r.code, width: 22 },
    { header: t.shortLink, value: (r) => shortLinkUrl(deps.config.publicUrl, r.code), width: 40 },
    { header: t.state, value: (r) => STATE_NAMES[locale][stateOf(r, now)], width: 11 },
    { header: t.purpose, value: (r) => r.purpose, width: 11 },
    { header: t.ownerType, value: (r) => r.owner_type, width: 10 },
    { header: t.ownerId, value: (r) => r.owner_id, width: 28 },
    { header: t.ownerName, value: (r) => r.owner_name, width: 20 },
    { header: t.campaignId, value: (r) => r.campaign_id, width: 28 },
    { header: t.routing, value: (r) => routingText(r.routing), width: 18 },
    { header: t.tags, value: (r) => tagsText(r.tags), width: 30 },
    { header: t.maxUses, value: (r) => r.max_uses ?? t.unlimited, width: 10 },
    { header: t.uses, value: (r) => r.uses, width: 8 },
    { header: t.expiresAt, value: (r) => date(r.expires_at), width: 20 },
    { header: t.linkSuffix, value: (r) => r.link_suffix, width: 18 },
    { header: t.origin, value: (r) => r.origin, width: 9 },
    { header: t.batchId, value: (r) => r.batch_id, width: 28 },
    { header: t.createdAt, value: (r) => date(r.created_at), width: 20 },
  ];
}

/** The workspace's codes matching the filter, newest first, a page at a time. */
async function* inviteRows(deps: Deps, workspaceId: string, filter: InviteSelection, now: number): AsyncGenerator<InviteRow> {
  let before: string | undefined;
  for (;;) {
    const rows = await listInviteRows(deps.db.reader, workspaceId, now, { ...filter, before, limit: PAGE });
    yield* rows;
    if (rows.length < PAGE) return;
    before = rows.at(-1)!.id;
  }
}

export function exportInvites(deps: Deps, workspaceId: string, filter: InviteSelection, format: SpreadsheetFormat, locale: Locale): Readable {
  // One moment for the whole file, so every row's state is judged alike.
  const now = deps.clock.now();
  return exportRows(format, inviteRows(deps, workspaceId, filter, now), columns(deps, locale, now), { sheetName: locale === 'zh-CN' ? '邀请码' : 'Invite codes' });
}
