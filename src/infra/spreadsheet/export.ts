import ExcelJS from 'exceljs';
import { Readable, Writable } from 'node:stream';

/**
 * Streams records out as CSV or XLSX without holding them: the returned Readable pulls the next
 * record only when its reader wants more bytes, so a million rows cost what one chunk costs. Send it
 * as a Fastify reply body, or `await pipeline(exportRows(…), writable)` to a file. If the reader goes
 * away, the records' iterator is closed (its `finally` runs, so a database cursor is released).
 *
 * The one text rule, for both formats (see safeCellText): a text cell that a spreadsheet could take
 * for a formula (OWASP CSV injection) is prefixed with `'`; characters an XLSX cannot hold are
 * dropped and line breaks inside a cell become LF, so both files carry the same text. XLSX also
 * writes every text as a plain string cell (never a formula), and keeps the prefix on purpose, so
 * the text stays inert when someone saves the workbook as CSV. Numbers are not text: -5 stays -5.
 */

/** What a column can hold. Numbers, booleans and dates stay typed in XLSX; null and undefined are empty. */
export type Cell = string | number | boolean | Date | null | undefined;

export interface ExportColumn<R> {
  /** The header, already in the reader's language (the caller picks the zh-CN or en label). */
  header: string;
  value: (record: R) => Cell;
  /** XLSX column width in characters (default 16); CSV has no widths. */
  width?: number;
}

export type SpreadsheetFormat = 'csv' | 'xlsx';

const CONTENT_TYPES: Record<SpreadsheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

// XML 1.0 cannot carry these, so an XLSX cannot either (exceljs silently drops them); they are
// dropped from CSV too, so both files say the same thing.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// OWASP CSV injection: = + - @ start a formula, also after leading spaces (\s covers the ideographic
// space U+3000 and no-break spaces); a leading tab or carriage return is refused by itself.
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@])/;

/**
 * The text a spreadsheet cell gets for `text`: characters no XLSX can hold removed, a `'` put in
 * front if what is left could start a formula, then line breaks made LF (what a cell holds: XML
 * reads a CR as LF anyway). Applying it twice changes nothing.
 */
export function safeCellText(text: string): string {
  const clean = text.replace(UNSTORABLE, '').replace(LONE_SURROGATE, '\uFFFD');
  return (FORMULA_START.test(clean) ? `'${clean}` : clean).replace(/\r\n?/g, '\n');
}

type Typed = string | number | boolean | Date | null;

/** One cell as both writers see it; anything that is not a finite number, boolean or valid date is text. */
function typed(value: Cell): Typed {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  return safeCellText(String(value));
}

const BOM = '\uFEFF';
const CSV_CHUNK_CHARS = 64 * 1024;

function csvField(value: Typed): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(values: Typed[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** RFC 4180 with CRLF, after a UTF-8 byte order mark so that Excel reads Chinese text as UTF-8. */
async function* csvChunks<R>(records: AsyncIterable<R> | Iterable<R>, columns: readonly ExportColumn<R>[]): AsyncGenerator<string> {
  let chunk = BOM + csvLine(columns.map((column) => typed(column.header)));
  for await (const record of records) {
    chunk += csvLine(columns.map((column) => typed(column.value(record))));
    if (chunk.length >= CSV_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
// Sheet XML allowed to wait for zlib, and zipped bytes allowed to wait for the reader, before the
// next record is read.
const MAX_UNZIPPED_BYTES = 256 * 1024;
const MAX_ZIPPED_BYTES = 64 * 1024;

interface SheetEntry {
  _writableState?: { length: number };
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * exceljs writes each committed row into a buffer that ignores backpressure, and archiver reads the
 * sheet's zip entry for zlib through a PassThrough it puts after that buffer: rows waiting for zlib
 * pile up there, so its buffered length says when to let zlib catch up. (Internal to exceljs 4 and
 * archiver 5; the export test with a source that never waits fails if this stops finding it.)
 */
function sheetEntry(sheet: ExcelJS.Worksheet): SheetEntry | undefined {
  return (sheet as unknown as { stream?: { pipes?: SheetEntry[] } }).stream?.pipes?.[0];
}

/**
 * The XLSX stream. archiver stops writing into a full destination but then buffers without limit
 * inside (the zip layer pushes whatever zlib gives it), so it writes into a sink that always accepts,
 * and the zipped bytes wait in the returned Readable, where their amount is visible: past
 * MAX_ZIPPED_BYTES the next record waits until the reader asks for more (`read`).
 */
function xlsxStream<R>(records: AsyncIterable<R> | Iterable<R>, columns: readonly ExportColumn<R>[], sheetName: string): Readable {
  let wake: (() => void) | undefined;
  const resume = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const out = new Readable({
    highWaterMark: MAX_ZIPPED_BYTES,
    read: resume,
    destroy(error, done) {
      resume();
      done(error);
    },
  });
  const zipped = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!out.destroyed) out.push(chunk);
      done();
    },
    final(done) {
      out.push(null);
      done();
    },
  });

  const write = async () => {
    // Inline strings (a shared-strings table would grow with every distinct code); styles carry the
    // date format and the bold header.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: zipped, useSharedStrings: false, useStyles: true });
    const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((column) => ({ width: column.width ?? 16 }));
    const header = sheet.addRow(columns.map((column) => typed(column.header)));
    header.font = { bold: true };
    header.commit();
    for await (const record of records) {
      if (out.destroyed) return;
      const values = columns.map((column) => typed(column.value(record)));
      const row = sheet.addRow(values);
      values.forEach((value, index) => {
        if (value instanceof Date) row.getCell(index + 1).numFmt = DATE_FORMAT;
      });
      row.commit();
      // zlib always makes progress (nothing after it ever refuses bytes), so this drain comes.
      const entry = sheetEntry(sheet);
      if (entry && (entry._writableState?.length ?? 0) > MAX_UNZIPPED_BYTES) await new Promise<void>((drained) => entry.once('drain', () => drained()));
      if (out.readableLength >= MAX_ZIPPED_BYTES && !out.destroyed) await new Promise<void>((asked) => (wake = asked));
    }
    if (out.destroyed) return;
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

export interface ExportOptions {
  /** XLSX worksheet name (at most 31 characters, none of []:*?/\). Default "Sheet1". */
  sheetName?: string;
}

/**
 * The records as a CSV or XLSX byte stream with a header row of the columns' labels. Dates are
 * UTC: ISO 8601 text in CSV, date cells shown as yyyy-mm-dd hh:mm:ss in XLSX. Booleans are TRUE/FALSE.
 * An error from the records destroys the stream with that error (the download is cut short).
 * Excel opening a CSV still turns text that looks like a number ("00123", "2E45") into one; XLSX
 * keeps such text as text, so offer XLSX for codes.
 */
export function exportRows<R>(
  format: SpreadsheetFormat,
  records: AsyncIterable<R> | Iterable<R>,
  columns: readonly ExportColumn<R>[],
  options: ExportOptions = {},
): Readable {
  if (format === 'csv') return Readable.from(csvChunks(records, columns), { objectMode: false });
  return xlsxStream(records, columns, options.sheetName ?? 'Sheet1');
}

/**
 * Content-Type and Content-Disposition for a download named `baseName` (Chinese allowed: RFC 6266
 * filename* in UTF-8, with an ASCII fallback for old clients).
 */
export function downloadHeaders(format: SpreadsheetFormat, baseName: string): Record<'content-type' | 'content-disposition', string> {
  const name = `${baseName}.${format}`;
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`,
  };
}
