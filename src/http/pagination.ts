import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { AppError } from '../errors.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const PAGE_FIELDS = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page' })),
};

/** The query of a paginated list: limit and cursor, beside the list's own filters. */
export function PagedQuery<F extends TProperties>(filters: F) {
  return Type.Object({ ...PAGE_FIELDS, ...filters }, { additionalProperties: false });
}

export const PageQuery = PagedQuery({});
export type PageQuery = Static<typeof PageQuery>;

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ before: lastId })).toString('base64url');
}

/** The id to continue after, or undefined for the first page; a cursor we did not issue is a 400. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const before = (parsed as { before?: unknown }).before;
    if (typeof before === 'string' && ULID.test(before)) return before;
  } catch {
    // falls through to the error below
  }
  throw new AppError('invalid_cursor', 'Pass the nextCursor value from a previous page unchanged');
}

/** Rows were fetched newest-first with limit + 1; the extra row only says there is more. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, present: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(present), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

export function pageLimit(query: PageQuery): number {
  return query.limit ?? 50;
}
