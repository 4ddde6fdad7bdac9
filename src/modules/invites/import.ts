import { parse as parseCsv } from 'csv-parse/sync';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { ID_PATTERN } from '../../http/schemas.ts';
import { newId } from '../../ids.ts';
import { importCsv, refuseInvalidRows, type CellCheck, type ImportColumn, type ImportedRecord, type RowError } from '../../infra/spreadsheet/import.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { findWorkspace } from '../workspaces/service.ts';
import { normalizeCode, readCode, type CodeFormat } from './alphabet.ts';
import { overBatchLimit } from './batch-limit.ts';
import { presentBatch, type BatchRow } from './batch.ts';
import type { BatchView } from './batch-schema.ts';
import { EXPORT_HEADERS, type ExportColumnKey } from './export.ts';
import { memberKey, userKey } from './party.ts';
import { freshInviteState, type InviteRow } from './repository.ts';
import { PURPOSES, ROUTING_TYPES, type Purpose, type Routing } from './schema.ts';
import { checkPurpose } from './service.ts';
import { formatOf, getInviteSettings } from './settings.ts';
import { normalizeSuffix, suffixProblem, takenSuffixes } from './short-links.ts';

/**
 * Importing codes made elsewhere (printed cards, another system) from a CSV, all or nothing per
 * file: the toolkit (infra/spreadsheet/import.ts) reads the file and checks each cell; then the
 * rows are checked against each other (a code or suffix twice in the file), against the rules of
 * a single code (what each purpose needs) and against the database (codes the workspace has,
 * members, campaigns, suffixes in use). Any problem refuses the whole file with the list of
 * problems by line (422 invalid_csv, rowErrors); otherwise one transaction inserts every code,
 * as an import batch with one invite.batch_completed event. A file is a batch: it may hold at most
 * the plan's inviteCodesPerBatch rows (batch-limit.ts) as well as IMPORT_MAX_ROWS.
 *
 * Columns are those of the export, by their English or Chinese header, so an exported file
 * imports elsewhere; only code and owner ID are required. Blank cells: owner type user, purpose
 * referral, max uses 1, expires at never.
 */

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;
/** Database look-ups per query when checking the file's codes and ids. */
const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 500;
const MAX_REPORTED = 1000;
const ULID = new RegExp(ID_PATTERN);

const headersOf = (key: ExportColumnKey) => [EXPORT_HEADERS.en[key], EXPORT_HEADERS['zh-CN'][key]];
const ok = <V>(value: V): CellCheck<V> => ({ value });
const bad = (error: string): CellCheck<never> => ({ error });

function column<V, R extends boolean>(key: ExportColumnKey, required: R, parse: (text: string) => CellCheck<V>): ImportColumn<V, R> {
  return { headers: headersOf(key), required, parse: (text) => parse(text.trim()) };
}

const OWNER_TYPES: Record<string, 'member' | 'user'> = { member: 'member', user: 'user', 成员: 'member', 用户: 'user' };
const UNLIMITED = new Set(['unlimited', EXPORT_HEADERS['zh-CN'].unlimited]);
const TAG_KEYS = new Set(['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'channel']);

/** ISO 8601 with a zone, or "YYYY-MM-DD HH:MM[:SS]" as a spreadsheet shows an exported date (UTC). */
function parseTime(text: string): number | null {
  const spreadsheet = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(text);
  const at = Date.parse(spreadsheet ? `${spreadsheet[1]}T${spreadsheet[2]}Z` : text);
  return Number.isNaN(at) || !/\d{4}-\d{2}-\d{2}/.test(text) ? null : at;
}

function schemaFor(format: CodeFormat, now: number) {
  return {
    code: column('code', true, (text) => {
      const code = normalizeCode(text);
      const reading = readCode(format, code);
      return reading.wellFormed ? ok(code) : bad(`${code} is not a code of this workspace's format: ${reading.hint}`);
    }),
    ownerType: column('ownerType', false, (text) => (OWNER_TYPES[text.toLowerCase()] ? ok(OWNER_TYPES[text.toLowerCase()]!) : bad('Must be member or user'))),
    ownerId: column('ownerId', true, (text) => (text.length <= 200 ? ok(text) : bad('Must have at most 200 characters'))),
    ownerName: column('ownerName', false, (text) => (text.length <= 120 ? ok(text) : bad('Must have at most 120 characters'))),
    purpose: column('purpose', false, (text) => ((PURPOSES as readonly string[]).includes(text) ? ok(text as Purpose) : bad(`Must be one of ${PURPOSES.join(', ')}`))),
    campaignId: column('campaignId', false, (text) => (ULID.test(text) ? ok(text) : bad('Must be a campaign id'))),
    routing: column('routing', false, (text): CellCheck<Routing> => {
      const [type = '', ...rest] = text.split(':');
      const name = rest.join(':').trim();
      if (!(ROUTING_TYPES as readonly string[]).includes(type.trim()) || name === '' || name.length > 120) return bad('Must be agent:NAME or queue:NAME');
      return ok({ type: type.trim() as Routing['type'], name });
    }),
    tags: column('tags', false, (text): CellCheck<Record<string, string>> => {
      const tags: Record<string, string> = {};
      for (const part of text.split(/[;；]/).map((p) => p.trim()).filter(Boolean)) {
        const [key = '', ...value] = part.split('=');
        const name = key.trim();
        if (!TAG_KEYS.has(name)) return bad(`Tags are key=value pairs separated by ; with keys ${[...TAG_KEYS].join(', ')}`);
        const tag = value.join('=').trim();
        if (tag.length > 100) return bad(`The tag ${name} has more than 100 characters`);
        tags[name] = tag;
      }
      return ok(tags);
    }),
    maxUses: column('maxUses', false, (text): CellCheck<number | null> => {
      if (UNLIMITED.has(text.toLowerCase())) return ok(null);
      const n = Number(text);
      return Number.isInteger(n) && n >= 1 && n <= 1_000_000_000 ? ok(n) : bad('Must be a whole number from 1, or unlimited');
    }),
    expiresAt: column('expiresAt', false, (text) => {
      const at = parseTime(text);
      if (at === null) return bad('Must be a date and time such as 2030-01-31T12:00:00Z (or 2030-01-31 12:00:00, UTC)');
      return at > now ? ok(at) : bad('Must be in the future');
    }),
    linkSuffix: column('linkSuffix', false, (text) => {
      const suffix = normalizeSuffix(text);
      const problem = suffixProblem(suffix);
      return problem ? bad(`The suffix ${problem}`) : ok(suffix);
    }),
  };
}

type ImportRow = { line: number; record: ImportedRecord<ReturnType<typeof schemaFor>> };

/** Collects problems found after reading, next to the toolkit's, under the same cap. */
class Problems {
  readonly errors: RowError[] = [];
  readonly lines = new Set<number>();
  constructor(private readonly labels: Record<string, string>) {}
  add(line: number, key: ExportColumnKey | null, message: string): void {
    this.lines.add(line);
    if (this.errors.length < MAX_REPORTED) this.errors.push({ line, ...(key ? { column: this.labels[key] ?? EXPORT_HEADERS.en[key] } : {}), message });
  }
}

async function inChunks<T, R>(items: T[], look: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let at = 0; at < items.length; at += LOOKUP_CHUNK) out.push(...(await look(items.slice(at, at + LOOKUP_CHUNK))));
  return out;
}

/** What the rows need from the database: which codes exist, which members and campaigns there are. */
async function checkAgainstDatabase(db: Executor, workspaceId: string, rows: ImportRow[], problems: Problems): Promise<Map<string, { key: string; name: string | null }>> {
  const codes = rows.map((r) => r.record.code);
  const existing = new Set((await inChunks(codes, (chunk) => db.selectFrom('invites').select('code').where('workspace_id', '=', workspaceId).where('code', 'in', chunk).execute())).map((r) => r.code));
  const memberIds = [...new Set(rows.filter((r) => r.record.ownerType === 'member').map((r) => r.record.ownerId))];
  const members = new Map(
    (await inChunks(memberIds, (chunk) => db.selectFrom('members').select(['id', 'external_user_id', 'display_name']).where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute())).map((m) => [
      m.id,
      { key: memberKey(m), name: m.display_name },
    ]),
  );
  const campaignIds = [...new Set(rows.flatMap((r) => (r.record.campaignId ? [r.record.campaignId] : [])))];
  const campaigns = new Map(
    (await inChunks(campaignIds, (chunk) => db.selectFrom('invite_campaigns').select(['id', 'status']).where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute())).map((c) => [c.id, c.status]),
  );
  for (const { line, record } of rows) {
    if (existing.has(record.code)) problems.add(line, 'code', `The workspace has the code ${record.code} already`);
    if (record.ownerType === 'member' && !members.has(record.ownerId)) problems.add(line, 'ownerId', 'Is not a member of this workspace');
    if (record.campaignId) {
      const status = campaigns.get(record.campaignId);
      if (status === undefined) problems.add(line, 'campaignId', 'Is not a campaign of this workspace');
      else if (status === 'ended') problems.add(line, 'campaignId', 'Is a campaign that has ended');
    }
  }
  const taken = await takenSuffixes(db, rows.flatMap((r) => (r.record.linkSuffix ? [r.record.linkSuffix] : [])));
  for (const { line, record } of rows) {
    if (record.linkSuffix && taken.has(record.linkSuffix)) problems.add(line, 'linkSuffix', `The suffix ${record.linkSuffix} is used by another code (or reads as one)`);
  }
  return members;
}

/** Rows against each other and against what each purpose needs (the same rule as creating one code). */
function checkRows(rows: ImportRow[], problems: Problems): void {
  const codes = new Map<string, number>();
  const suffixes = new Map<string, number>();
  for (const { line, record } of rows) {
    const firstCode = codes.get(record.code);
    if (firstCode !== undefined) problems.add(line, 'code', `The code ${record.code} is on line ${firstCode} too`);
    else codes.set(record.code, line);
    if (record.linkSuffix) {
      const firstSuffix = suffixes.get(record.linkSuffix);
      if (firstSuffix !== undefined) problems.add(line, 'linkSuffix', `The suffix ${record.linkSuffix} is on line ${firstSuffix} too`);
      else suffixes.set(record.linkSuffix, line);
    }
  }
  // A suffix that reads as a code of the file would shadow that code's link.
  for (const { line, record } of rows) {
    const readAs = record.linkSuffix ? codes.get(normalizeCode(record.linkSuffix)) : undefined;
    if (readAs !== undefined && readAs !== line) problems.add(line, 'linkSuffix', `The suffix ${record.linkSuffix} reads as the code on line ${readAs}`);
  }
  for (const { line, record } of rows) {
    if ((record.ownerType ?? 'user') === 'member' && !ULID.test(record.ownerId)) problems.add(line, 'ownerId', 'A member is named by their member id');
    try {
      checkPurpose({ purpose: record.purpose ?? 'referral', campaignId: record.campaignId, routing: record.routing, tags: record.tags });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const issue = (error.extensions.errors as { pointer: string; message: string }[] | undefined)?.[0];
      const key = (issue?.pointer.slice(1) ?? null) as ExportColumnKey | null;
      const message = issue?.message ?? error.message;
      problems.add(line, key, message.charAt(0).toUpperCase() + message.slice(1));
    }
  }
}

/** The header labels as the file wrote them (line 1, read once the toolkit accepted the file), so the report names columns as the toolkit does. */
function labelsOf(file: Buffer): Record<string, string> {
  const [header = []] = parseCsv(file.subarray(0, file.indexOf(10) === -1 ? file.length : file.indexOf(10)), { bom: true, relax_column_count: true }) as string[][];
  const labels: Record<string, string> = {};
  for (const label of header.map((l) => l.trim())) {
    for (const key of Object.keys(EXPORT_HEADERS.en) as ExportColumnKey[]) {
      if (headersOf(key).some((h) => h.toLowerCase() === label.normalize('NFKC').toLowerCase())) labels[key] = label;
    }
  }
  return labels;
}

/** Imports the file's codes, or refuses it whole; see the top of this file. */
export async function importInvites(deps: Deps, actor: Actor, workspaceId: string, file: Buffer): Promise<BatchView> {
  const now = deps.clock.now();
  const db = deps.db.kysely;
  const format = formatOf(await getInviteSettings(db, workspaceId));
  const report = await importCsv(file, schemaFor(format, now), { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS, maxErrors: MAX_REPORTED });
  const rows = report.rows.length + report.invalidRows;
  if (rows === 0) throw new AppError('invalid_csv', 'The file has no codes, only the header line', { reason: 'no_rows' });
  // Before the rows are checked: fixing them would not make the file small enough.
  const over = overBatchLimit(await findWorkspace(db, workspaceId), rows);
  if (over) throw new AppError('invalid_csv', `The file has ${rows} rows, which ${over.message}`, { reason: 'too_many_rows', rows, maxRows: over.limit.value, limit: over.limit });
  const problems = new Problems(labelsOf(file));
  checkRows(report.rows, problems);
  const members = await checkAgainstDatabase(db, workspaceId, report.rows, problems);
  const errors = [...report.errors, ...problems.errors].sort((a, b) => a.line - b.line).slice(0, MAX_REPORTED);
  refuseInvalidRows({ errors, invalidRows: report.invalidRows + problems.lines.size });

  const batch: BatchRow = {
    id: newId(now),
    workspace_id: workspaceId,
    kind: 'import',
    state: 'done',
    total: report.rows.length,
    generated: report.rows.length,
    spec: '{}',
    format: JSON.stringify(format),
    error: null,
    created_at: now,
    started_at: now,
    finished_at: now,
    updated_at: now,
  };
  const invites: InviteRow[] = report.rows.map(({ record }) => {
    const member = record.ownerType === 'member' ? members.get(record.ownerId)! : null;
    return {
      id: newId(now),
      workspace_id: workspaceId,
      code: record.code,
      purpose: record.purpose ?? 'referral',
      owner_type: record.ownerType ?? 'user',
      owner_id: record.ownerId,
      owner_key: member ? member.key : userKey(record.ownerId),
      owner_name: member ? member.name : (record.ownerName ?? null),
      campaign_id: record.campaignId ?? null,
      routing: record.routing ? JSON.stringify(record.routing) : null,
      tags: JSON.stringify(record.tags ?? {}),
      max_uses: record.maxUses === undefined ? 1 : record.maxUses,
      ...freshInviteState(now),
      expires_at: record.expiresAt ?? null,
      origin: 'import',
      batch_id: batch.id,
      link_suffix: record.linkSuffix ?? null,
    };
  });
  try {
    return await db.transaction().execute(async (tx) => {
      await tx.insertInto('invite_batches').values(batch).execute();
      for (let at = 0; at < invites.length; at += INSERT_CHUNK) await tx.insertInto('invites').values(invites.slice(at, at + INSERT_CHUNK)).execute();
      const view = presentBatch(batch);
      await recordChange(tx, actor, { workspaceId, action: 'invite.batch_completed', targetType: 'invite_batch', targetId: batch.id, details: { kind: 'import', total: batch.total }, event: { batch: view } }, now);
      return view;
    });
  } catch (error) {
    // A code or suffix of the file was created elsewhere between the checks and the insert.
    if (isUniqueViolation(error)) throw new AppError('invalid_csv', 'A code or link suffix of the file was created meanwhile; nothing was imported. Upload the file again to see which', { reason: 'conflict' });
    throw error;
  }
}
