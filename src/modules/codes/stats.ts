import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import { encodeTime } from 'ulid';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { findWorkspaceCode } from './repository.ts';
import { parseTags } from './resolve.ts';
import { utcDay } from './tokens.ts';

const DAY_MS = 24 * 3600 * 1000;
export const STATS_DAYS_DEFAULT = 14;
export const STATS_DAYS_MAX = 90;

/**
 * Scan outcomes that let the scanner in (the landing page, or its password form first): the ones the
 * scan path records with `admitted: true` and that count against the code's caps. Every other
 * outcome is a refusal (a CodeRefusal of resolve.ts).
 */
export const ADMITTED_OUTCOMES: readonly string[] = ['ok', 'password_required'];

export const StatsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: STATS_DAYS_MAX, default: STATS_DAYS_DEFAULT, description: 'UTC days up to and including today (1-90, default 14)' }),
    ),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
export const CodeStats = Type.Object({
  days: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC day, YYYY-MM-DD' }),
      scans: Count,
      admitted: Count,
      joins: Count,
    }),
    { description: 'Every UTC day of the range, oldest first, zeros included' },
  ),
  channels: Type.Array(
    Type.Object({
      channel: Type.String({ description: "The scan's or membership's tags.channel, else its utm_source, else '' (untagged)" }),
      scans: Count,
      joins: Count,
    }),
    { description: 'By channel, most scans first' },
  ),
  totals: Type.Object({
    scans: Count,
    admitted: Count,
    joins: Count,
    stillMembers: Type.Integer({ minimum: 0, description: 'Of the joins in the range, the memberships still active' }),
  }),
});
export type CodeStats = Static<typeof CodeStats>;

function channelOf(tagsText: string): string {
  const tags = parseTags(tagsText) as Record<string, unknown>;
  for (const key of ['channel', 'utm_source']) {
    const value = tags[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return '';
}

/**
 * Scans, admitted scans and joins of one code per UTC day over the last `days` days (today
 * included), by channel, with totals.
 *
 * The database aggregates: rows are grouped by (day index, outcome, tags) for scans and (day
 * index, tags, status) for memberships, where day index = (t - start) / 86400000 with start the
 * UTC midnight that opens the range. The day index is plain integer arithmetic on epoch
 * milliseconds, identical on SQLite and PostgreSQL (no date functions, no time zone settings), and
 * its constants are inlined as literals so that the GROUP BY expression is the same text as the
 * selected one on PostgreSQL. Tags are a snapshot of the code's tags, so a code has only a handful
 * of distinct tag texts: the result is at most days × outcomes × tag sets rows whatever the number
 * of scans, and the channel is read from the tags in JS (JSON functions differ between the two
 * databases). Scans are found through the (code_id, id) index: ids are ULIDs made from the scan
 * time and never earlier than it, so `id >= ULID(start)` bounds the index range scan from below.
 * Memberships use the (code_id, joined_at) index.
 */
export async function codeStats(deps: Deps, workspaceId: string, codeId: string, days: number = STATS_DAYS_DEFAULT): Promise<CodeStats> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const code = await findWorkspaceCode(db, workspaceId, codeId, now);
  if (!code) throw new AppError('not_found', 'No such code');
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const start = today - (days - 1) * DAY_MS;
  const end = today + DAY_MS;
  const dayIndex = (column: 'scanned_at' | 'joined_at') => sql<number>`cast((${sql.ref(column)} - ${sql.lit(start)}) / ${sql.lit(DAY_MS)} as integer)`;

  const scanRows = await db
    .selectFrom('scans')
    .select([dayIndex('scanned_at').as('d'), 'outcome', 'tags', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('code_id', '=', codeId)
    .where('id', '>=', encodeTime(start, 10) + '0'.repeat(16))
    .where('scanned_at', '>=', start)
    .where('scanned_at', '<', end)
    .groupBy([dayIndex('scanned_at'), 'outcome', 'tags'])
    .execute();
  const joinRows = await db
    .selectFrom('group_members')
    .select([dayIndex('joined_at').as('d'), 'tags', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('code_id', '=', codeId)
    .where('joined_at', '>=', start)
    .where('joined_at', '<', end)
    .groupBy([dayIndex('joined_at'), 'tags', 'status'])
    .execute();

  const series = Array.from({ length: days }, (_, i) => ({ day: utcDay(start + i * DAY_MS), scans: 0, admitted: 0, joins: 0 }));
  const channels = new Map<string, { channel: string; scans: number; joins: number }>();
  const channel = (tags: string) => {
    const name = channelOf(tags);
    let entry = channels.get(name);
    if (!entry) channels.set(name, (entry = { channel: name, scans: 0, joins: 0 }));
    return entry;
  };
  const totals = { scans: 0, admitted: 0, joins: 0, stillMembers: 0 };
  for (const row of scanRows) {
    const bucket = series[Number(row.d)];
    if (!bucket) continue;
    const n = Number(row.n);
    bucket.scans += n;
    totals.scans += n;
    if (ADMITTED_OUTCOMES.includes(row.outcome)) {
      bucket.admitted += n;
      totals.admitted += n;
    }
    channel(row.tags).scans += n;
  }
  for (const row of joinRows) {
    const bucket = series[Number(row.d)];
    if (!bucket) continue;
    const n = Number(row.n);
    bucket.joins += n;
    totals.joins += n;
    if (row.status === 'active') totals.stillMembers += n;
    channel(row.tags).joins += n;
  }
  const byChannel = [...channels.values()].sort((a, b) => b.scans - a.scans || b.joins - a.joins || a.channel.localeCompare(b.channel));
  return { days: series, channels: byChannel, totals };
}
