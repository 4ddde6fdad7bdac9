import { CompiledQuery } from 'kysely';
import type { Dialect, Executor } from '../../db/index.ts';
import type { InviteTable } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { randomIndexes, type CodeFormat } from './alphabet.ts';
import { checkScheme } from './check-character.ts';

/**
 * Generating and storing codes by the hundred thousand. Two things make a million codes fast:
 *
 * - Where the codes land in the index. The unique (workspace, code) index is keyed by random text,
 *   so a transaction of random codes touches pages all over it and commits rewrite most of the
 *   index every time. A batch therefore spreads its codes over the alphabet by their first random
 *   character: position p of a batch of `total` gets character ⌊p·n/total⌋ (so every character
 *   starts the same share of codes), and the rest of the body is uniformly random as always. A
 *   chunk of consecutive positions then lands in one narrow range of the index, and is inserted in
 *   sorted order. A guesser gains nothing: which character starts a given code still depends only
 *   on a position nobody outside sees, and each character starts 1/n of the codes, as with
 *   independent draws.
 * - How rows are sent. The batch's settings are the same for every row, so they are bound once per
 *   statement and only (id, code) pairs vary: a multi-row VALUES list on SQLite (a few thousand
 *   rows per statement, prepared once per row count), two arrays through unnest() on PostgreSQL.
 *   A clash with an existing code is skipped by ON CONFLICT DO NOTHING. Clashes are rare, so only
 *   when fewer rows went in than were sent are the new ids looked up, to tell which codes are
 *   missing and draw fresh ones with the same first characters.
 */

/** Rows per INSERT on SQLite: 2 parameters a row stays far below its limit of 32,766 parameters. */
const SQLITE_ROWS_PER_STATEMENT = 5000;

/**
 * One code per given first character (an index into the alphabet): the rest of the body drawn
 * from the CSPRNG, then the check character, prefix and suffix. Sorted, for the index's sake.
 */
export function codesStartingWith(format: CodeFormat, firstIndexes: readonly number[]): string[] {
  const { alphabet, bodyLength, prefix, suffix } = format;
  const rest = bodyLength - 1;
  const random = randomIndexes(alphabet.length, rest * firstIndexes.length);
  const scheme = checkScheme(alphabet.length);
  const body = new Array<number>(bodyLength);
  const codes = firstIndexes.map((first, i) => {
    body[0] = first;
    for (let j = 0; j < rest; j++) body[j + 1] = random[i * rest + j]!;
    let text = prefix;
    for (const index of body) text += alphabet[index];
    return `${text}${alphabet[scheme.checkIndex(body)]}${suffix}`;
  });
  return codes.sort();
}

/** The first characters of positions [from, to) of a batch of `total`: ⌊p·n/total⌋ each. */
export function firstIndexesOf(alphabetSize: number, from: number, to: number, total: number): number[] {
  const out: number[] = [];
  for (let p = from; p < to; p++) out.push(Math.floor((p * alphabetSize) / total));
  return out;
}

/** How many distinct codes a format has (bodies; the check character adds none). */
export function formatCapacity(format: CodeFormat): number {
  return format.alphabet.length ** format.bodyLength;
}

/** What every code of one insert shares: all columns but id and code. */
export type SharedColumns = Omit<InviteTable, 'id' | 'code'>;

type ColumnType = 'text' | 'integer' | 'bigint';
/** The shared columns in statement order, with the SQL type each parameter is cast to (PostgreSQL cannot infer it in a SELECT list). */
const SHARED: readonly [keyof SharedColumns, ColumnType][] = [
  ['workspace_id', 'text'],
  ['purpose', 'text'],
  ['owner_type', 'text'],
  ['owner_id', 'text'],
  ['owner_key', 'text'],
  ['owner_name', 'text'],
  ['campaign_id', 'text'],
  ['routing', 'text'],
  ['tags', 'text'],
  ['max_uses', 'integer'],
  ['uses', 'integer'],
  ['status', 'text'],
  ['expires_at', 'bigint'],
  ['expiring_notified_at', 'bigint'],
  ['ended_at', 'bigint'],
  ['archived_at', 'bigint'],
  ['revoked_reason', 'text'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['origin', 'text'],
  ['batch_id', 'text'],
  ['link_suffix', 'text'],
];
const COLUMN_LIST = ['id', 'code', ...SHARED.map(([column]) => column)].join(', ');

const sqliteTexts = new Map<number, string>();

function sqliteInsert(rows: number): string {
  const known = sqliteTexts.get(rows);
  if (known) return known;
  const shared = SHARED.map(([, type]) => `cast(? as ${type})`).join(', ');
  const values = Array.from({ length: rows }, () => '(?, ?)').join(', ');
  // "where true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  const text = `insert into invites (${COLUMN_LIST}) select column1, column2, ${shared} from (values ${values}) where true on conflict (workspace_id, code) do nothing`;
  // Only a few row counts occur (full statements, a batch's last one, top-ups of a few codes).
  if (sqliteTexts.size < 64) sqliteTexts.set(rows, text);
  return text;
}

const PG_INSERT = `insert into invites (${COLUMN_LIST}) select u.id, u.code, ${SHARED.map(([, type], i) => `cast($${i + 3} as ${type})`).join(', ')} from unnest($1::text[], $2::text[]) as u(id, code) on conflict (workspace_id, code) do nothing`;

/**
 * Inserts the codes with the shared columns, skipping any that a code of the workspace already
 * has (or that repeats within `codes`); returns the codes inserted. Ids are made in code order.
 */
export async function insertCodes(tx: Executor, dialect: Dialect, shared: SharedColumns, codes: readonly string[], now: number): Promise<Set<string>> {
  const sharedValues = SHARED.map(([column]) => shared[column]);
  const ids = codes.map(() => newId(now));
  let count = 0;
  if (dialect === 'postgres') {
    count = Number((await tx.executeQuery(CompiledQuery.raw(PG_INSERT, [ids, codes, ...sharedValues]))).numAffectedRows ?? 0);
  } else {
    for (let at = 0; at < codes.length; at += SQLITE_ROWS_PER_STATEMENT) {
      const end = Math.min(at + SQLITE_ROWS_PER_STATEMENT, codes.length);
      const pairs: unknown[] = [];
      for (let i = at; i < end; i++) pairs.push(ids[i], codes[i]);
      count += Number((await tx.executeQuery(CompiledQuery.raw(sqliteInsert(end - at), [...sharedValues, ...pairs]))).numAffectedRows ?? 0);
    }
  }
  if (count === codes.length) return new Set(codes);
  const inserted = new Set<string>();
  for (let at = 0; at < ids.length; at += SQLITE_ROWS_PER_STATEMENT) {
    const rows = await tx.selectFrom('invites').select('code').where('id', 'in', ids.slice(at, at + SQLITE_ROWS_PER_STATEMENT)).execute();
    for (const row of rows) inserted.add(row.code);
  }
  return inserted;
}
