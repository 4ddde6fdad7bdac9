import { CsvError, parse } from 'csv-parse';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors.ts';

/**
 * Reads an uploaded CSV against a declared set of columns. A file that cannot be read as a whole
 * (not UTF-8, malformed quoting, ragged rows, missing or repeated headers, too big, too many rows) is
 * refused with an AppError — `invalid_csv` (422, `reason` and, where known, `line`) or
 * `payload_too_large` (413) — so a route answers problem+json. Otherwise every row is checked and the
 * answer holds the rows that passed and a report of those that did not.
 *
 * Intended use: all or nothing per file. Check the report (and any domain checks of your own, such
 * as duplicates in the database), then either refuse the file with refuseInvalidRows — the user
 * fixes the listed lines and uploads again — or import every row in one transaction.
 *
 * Line numbers are the row numbers a spreadsheet shows: the header is line 1, a value with line
 * breaks inside quotes stays one line, and blank lines count but are skipped. Only comma-separated,
 * UTF-8 files are read (a byte order mark and CRLF or LF line ends are fine). Cells are given to the
 * column parsers as written, so a cell exported with a `'` guard (see safeCellText) keeps it.
 *
 * A route gets the upload as a Buffer from a `text/csv` content-type parser (`parseAs: 'buffer'`)
 * whose bodyLimit is at least maxBytes (the API's default is 256 KiB), or passes the raw stream.
 */

export type CellCheck<V> = { value: V } | { error: string };

export interface ImportColumn<V, Required extends boolean = boolean> {
  /** The header labels this column is known by, e.g. ['code', '邀请码']; case, full/half width and outer spaces are ignored. */
  headers: readonly string[];
  /** A required column must be in the header and non-empty in every row; an optional one may be absent or empty (undefined). */
  required: Required;
  /** Turns a non-blank cell into a value, or says in a sentence what is wrong with it. */
  parse(text: string): CellCheck<V>;
}

export type ImportSchema = Record<string, ImportColumn<any>>;

export type ImportedRecord<S extends ImportSchema> = {
  [K in keyof S]: S[K] extends ImportColumn<infer V, infer Required> ? (Required extends true ? V : V | undefined) : never;
};

export interface RowError {
  line: number;
  /** The column's header as written in the file; absent for a problem with the whole row. */
  column?: string;
  message: string;
}

export interface ImportReport<T> {
  rows: { line: number; record: T }[];
  /** The first `maxErrors` problems, in file order. */
  errors: RowError[];
  /** Rows with at least one problem, counted past `maxErrors` too. */
  invalidRows: number;
}

export interface ImportLimits {
  maxBytes: number;
  /** Data rows, not counting the header and blank lines. */
  maxRows: number;
  /** Problems listed in the report; default 1,000. */
  maxErrors?: number;
}

function refuse(reason: string, detail: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('invalid_csv', detail, { reason, ...extra });
}

const SLICE_BYTES = 64 * 1024;

function* slices(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += SLICE_BYTES) yield buffer.subarray(at, at + SLICE_BYTES);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The input as text, in pieces so that parsing yields to other requests; the byte order mark is dropped. */
async function* utf8Text(input: Buffer | AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<string> {
  const tooLarge = () => new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes`, { maxBytes });
  if (Buffer.isBuffer(input) && input.length > maxBytes) throw tooLarge();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw refuse('not_utf8', 'The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”');
    }
  };
  for await (const piece of Buffer.isBuffer(input) ? slices(input) : input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (bytes === 0 && isZip(chunk)) {
      throw refuse('not_csv', 'This is an Excel workbook or another zip file, not CSV: save it as “CSV UTF-8” and upload that');
    }
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge();
    const text = decode(chunk);
    if (text) yield text;
  }
  const rest = decode();
  if (rest) yield rest;
}

const QUOTE_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed (a " is missing)',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value is followed by more text before the next comma',
  INVALID_OPENING_QUOTE: 'a " appears inside a value that does not start with one (quote the whole value and double the " inside it)',
};

function malformed(error: CsvError): AppError {
  const line = ((error as unknown as { records?: number }).records ?? 0) + 1;
  const problem = QUOTE_PROBLEMS[error.code] ?? error.message;
  return refuse('malformed', `Line ${line}: ${problem}`, { line });
}

function headerKey(label: string): string {
  return label.normalize('NFKC').trim().toLowerCase();
}

interface Bound {
  key: string;
  column: ImportColumn<unknown>;
  index: number;
  label: string;
}

/** Where each declared column is in the file's header; refuses missing and repeated columns. */
function bindHeader(header: string[], schema: ImportSchema): Bound[] {
  if (header.every((label) => label.trim() === '')) {
    throw refuse('missing_header', 'Line 1 must hold the column headers', { line: 1 });
  }
  const seen = new Map<string, string>();
  for (const label of header) {
    const key = headerKey(label);
    if (key !== '' && seen.has(key)) throw refuse('duplicate_columns', `The column “${label.trim()}” appears twice in line 1`, { line: 1, columns: [label.trim()] });
    seen.set(key, label.trim());
  }
  const bound: Bound[] = [];
  const missing: string[] = [];
  for (const [key, column] of Object.entries(schema)) {
    const names = new Set(column.headers.map(headerKey));
    const indexes = header.flatMap((label, index) => (names.has(headerKey(label)) ? [index] : []));
    const labels = indexes.map((index) => header[index]!.trim());
    if (indexes.length > 1) {
      throw refuse('duplicate_columns', `The columns ${labels.map((l) => `“${l}”`).join(' and ')} in line 1 are the same column`, { line: 1, columns: labels });
    }
    const [index] = indexes;
    if (index !== undefined) bound.push({ key, column, index, label: labels[0]! });
    else if (column.required) missing.push(column.headers[0] ?? key);
  }
  if (missing.length > 0) {
    throw refuse('missing_columns', `Line 1 lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `“${m}”`).join(', ')}`, {
      line: 1,
      columns: missing,
    });
  }
  return bound;
}

/** Reads `input` (the whole upload, or a stream of it) against `schema`; see the top of this file. */
export async function importCsv<S extends ImportSchema>(
  input: Buffer | AsyncIterable<Uint8Array | string>,
  schema: S,
  limits: ImportLimits,
): Promise<ImportReport<ImportedRecord<S>>> {
  const maxErrors = limits.maxErrors ?? 1000;
  const report: ImportReport<ImportedRecord<S>> = { rows: [], errors: [], invalidRows: 0 };
  let line = 0;
  let dataRows = 0;
  let header: string[] | undefined;
  let bound: Bound[] = [];

  const checkRow = (cells: string[]) => {
    if (cells.length !== header!.length) {
      const values = cells.length === 1 ? '1 value' : `${cells.length} values`;
      throw refuse('ragged', `Line ${line} has ${values} but line 1 has ${header!.length} columns`, { line });
    }
    dataRows += 1;
    if (dataRows > limits.maxRows) throw refuse('too_many_rows', `The file has more than ${limits.maxRows} rows`, { line, maxRows: limits.maxRows });
    const record: Record<string, unknown> = {};
    const problems: RowError[] = [];
    for (const { key, column, index, label } of bound) {
      const text = cells[index]!;
      if (text.trim() === '') {
        if (column.required) problems.push({ line, column: label, message: 'A value is required' });
        else record[key] = undefined;
        continue;
      }
      const checked = column.parse(text);
      if ('error' in checked) problems.push({ line, column: label, message: checked.error });
      else record[key] = checked.value;
    }
    if (problems.length === 0) {
      report.rows.push({ line, record: record as ImportedRecord<S> });
      return;
    }
    report.invalidRows += 1;
    report.errors.push(...problems.slice(0, maxErrors - report.errors.length));
  };

  const rows = new Writable({
    objectMode: true,
    write(cells: string[], _encoding, done) {
      line += 1;
      try {
        if (!header) {
          header = cells;
          bound = bindHeader(cells, schema);
        } else if (cells.some((cell) => cell.trim() !== '')) {
          checkRow(cells);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });

  try {
    // Strict RFC 4180 quoting; column counts are checked above, so a ragged row gets its line number.
    await pipeline(Readable.from(utf8Text(input, limits.maxBytes)), parse({ relax_column_count: true }), rows);
  } catch (error) {
    throw error instanceof CsvError ? malformed(error) : error;
  }
  if (!header) throw refuse('empty', 'The file is empty: line 1 must hold the column headers');
  return report;
}

/**
 * Refuses a file that has any invalid row, listing the problems (`rowErrors`) so the user can fix
 * those lines; for the all-or-nothing import described at the top. Pass your own report to include
 * domain checks made after importCsv.
 */
export function refuseInvalidRows(report: Pick<ImportReport<unknown>, 'errors' | 'invalidRows'>): void {
  if (report.invalidRows === 0) return;
  const rows = report.invalidRows === 1 ? '1 row' : `${report.invalidRows} rows`;
  throw refuse('invalid_rows', `${rows} cannot be imported; nothing was imported`, {
    invalidRows: report.invalidRows,
    rowErrors: report.errors,
  });
}
