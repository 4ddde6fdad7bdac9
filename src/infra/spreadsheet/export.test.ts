import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { downloadHeaders, exportRows, safeCellText, type Cell, type ExportColumn } from './export.ts';

const DANGEROUS_START = /^(?:[\t\r]|\s*[=+\-@])/;
const INJECTIONS = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '  =HYPERLINK("http://evil")', '\u3000=1', '\n@x', '=cmd|\' /C calc\'!A0'];
/** An injection as every exported cell holds it: guarded, with cell line breaks (LF). */
const guarded = (text: string) => `'${text}`.replace(/\r\n?/g, '\n');

const workDir = await mkdtemp(path.join(tmpdir(), 'joincode-spreadsheet-'));
after(() => rm(workDir, { recursive: true, force: true }));

async function bytesOf(stream: Readable): Promise<Buffer> {
  return Buffer.concat(await stream.toArray());
}

async function csvOf<R>(records: Iterable<R> | AsyncIterable<R>, columns: ExportColumn<R>[]): Promise<string> {
  return (await bytesOf(exportRows('csv', records, columns))).toString('utf8');
}

async function xlsxOf<R>(records: Iterable<R> | AsyncIterable<R>, columns: ExportColumn<R>[]): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  const bytes = await bytesOf(exportRows('xlsx', records, columns, { sheetName: '邀请码' }));
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook.getWorksheet('邀请码')!;
}

const textColumn: ExportColumn<string>[] = [{ header: 'text', value: (text) => text }];

test('given a text that could start a formula, when made safe, then it gains one leading quote; other text is untouched', () => {
  for (const text of INJECTIONS) assert.equal(safeCellText(text), guarded(text));
  for (const text of ['邀请码 ABC', 'a=b', "'=1+1", '', ' x', '1-2', 'user@example.com']) assert.equal(safeCellText(text), text);
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => safeCellText(safeCellText(text)) === safeCellText(text)));
});

test('given records, when exported as CSV, then the file has a BOM, CRLF rows, RFC 4180 quoting, LF line breaks inside cells and typed values written plainly', async () => {
  type Row = { code: string; name: string; uses: number; at: Date; active: boolean; note: string | null };
  const columns: ExportColumn<Row>[] = [
    { header: '邀请码', value: (r) => r.code },
    { header: '名称', value: (r) => r.name },
    { header: 'uses', value: (r) => r.uses },
    { header: 'at', value: (r) => r.at },
    { header: 'active', value: (r) => r.active },
    { header: 'note', value: (r) => r.note },
  ];
  const csv = await csvOf(
    [
      { code: 'AB3K', name: '社区团购, "团长"', uses: -2, at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), active: true, note: null },
      { code: 'XY9Z', name: 'two\r\nlines', uses: 1.5, at: new Date(Number.NaN), active: false, note: '=1+1' },
    ],
    columns,
  );
  assert.equal(
    csv,
    '\uFEFF邀请码,名称,uses,at,active,note\r\n' +
      'AB3K,"社区团购, ""团长""",-2,2025-01-02T03:04:05.000Z,TRUE,\r\n' +
      'XY9Z,"two\nlines",1.5,,FALSE,\'=1+1\r\n',
  );
});

test('given every formula-starting text, when exported as CSV, then each cell starts with a quote and no cell starts dangerously', async () => {
  const csv = await csvOf(INJECTIONS, textColumn);
  const cells = (parseCsv(csv, { bom: true }) as string[][]).slice(1).map(([cell]) => cell!);
  assert.deepEqual(cells, INJECTIONS.map(guarded));
  for (const cell of cells) assert.doesNotMatch(cell, DANGEROUS_START);
});

test('given every formula-starting text, when exported as XLSX, then each is a plain string cell with the same guard and no cell is a formula', async () => {
  type Row = { text: string; n: number; at: Date; ok: boolean };
  const at = new Date(Date.UTC(2025, 5, 1, 12, 30));
  const sheet = await xlsxOf(
    INJECTIONS.map((text, n) => ({ text, n: -(n + 1), at, ok: n % 2 === 0 })),
    [
      { header: '=header', value: (r: Row) => r.text },
      { header: 'n', value: (r: Row) => r.n },
      { header: 'at', value: (r: Row) => r.at },
      { header: 'ok', value: (r: Row) => r.ok },
    ],
  );
  assert.equal(sheet.rowCount, INJECTIONS.length + 1);
  assert.equal(sheet.getCell('A1').value, "'=header");
  INJECTIONS.forEach((text, index) => {
    const row = sheet.getRow(index + 2);
    assert.equal(row.getCell(1).type, ExcelJS.ValueType.String);
    assert.equal(row.getCell(1).value, guarded(text));
    assert.equal(row.getCell(2).type, ExcelJS.ValueType.Number);
    assert.equal(row.getCell(2).value, -(index + 1));
    assert.equal(row.getCell(3).type, ExcelJS.ValueType.Date);
    assert.equal((row.getCell(3).value as Date).getTime(), at.getTime());
    assert.equal(row.getCell(4).value, index % 2 === 0);
  });
  sheet.eachRow((row) =>
    row.eachCell((cell) => {
      assert.equal(cell.formula, undefined);
      assert.notEqual(cell.type, ExcelJS.ValueType.Formula);
      if (typeof cell.value === 'string') assert.doesNotMatch(cell.value, DANGEROUS_START);
    }),
  );
});

// Units that matter to CSV and to formulas, among any code point (lone surrogates included).
const cellText = fc.string({
  unit: fc.oneof(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ' ', '\u3000', '"', ',', "'", '中', '\u0001', '\uD800', '\uDC00'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 12,
});

test('given arbitrary strings, when exported as CSV and parsed back, then each cell is the safe form of its original and none starts dangerously', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(cellText, cellText), { minLength: 1, maxLength: 8 }), async (rows) => {
      const csv = await csvOf(rows, [
        { header: 'a', value: (r) => r[0] },
        { header: 'b', value: (r) => r[1] },
      ]);
      const parsed = (parseCsv(csv, { bom: true }) as string[][]).slice(1);
      assert.deepEqual(parsed, rows.map(([a, b]) => [safeCellText(a), safeCellText(b)]));
      for (const cell of parsed.flat()) assert.doesNotMatch(cell, DANGEROUS_START);
    }),
  );
});

function countingSource(total: number, state: { pulled: number; closed: boolean }): AsyncGenerator<number> {
  return (async function* () {
    try {
      for (let n = 0; n < total; n += 1) {
        state.pulled += 1;
        yield n;
      }
    } finally {
      state.closed = true;
    }
  })();
}

const codeColumns: ExportColumn<number>[] = [
  { header: 'code', value: (n) => `CODE-${n.toString(36).toUpperCase()}` },
  { header: '名称', value: (n) => `第 ${n} 号` },
  { header: 'n', value: (n) => n },
];

/** Waits until the source has not been pulled for a while: what a stalled reader should cause. */
async function settled(state: { pulled: number }): Promise<number> {
  let last = -1;
  while (state.pulled !== last) {
    last = state.pulled;
    await sleep(300);
  }
  return last;
}

test('given a reader that stops reading, when 100,000 rows are exported as XLSX, then the source is not drained ahead of it, and the file then completes with every row', async () => {
  const state = { pulled: 0, closed: false };
  const stream = exportRows('xlsx', countingSource(100_000, state), codeColumns, { sheetName: 'codes' });
  const pulledWhileStalled = await settled(state);
  assert.ok(pulledWhileStalled < 50_000, `the source was read ${pulledWhileStalled} rows ahead of a reader that took nothing`);

  const file = path.join(workDir, 'codes.xlsx');
  await pipeline(stream, createWriteStream(file));
  assert.equal(state.pulled, 100_000);
  assert.ok(state.closed);

  let rows = 0;
  let last: ExcelJS.CellValue[] = [];
  for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(file, {})) {
    for await (const row of sheet) {
      rows += 1;
      last = (row.values as ExcelJS.CellValue[]).slice(1);
    }
  }
  assert.equal(rows, 100_001);
  assert.deepEqual(last, [`CODE-${(99_999).toString(36).toUpperCase()}`, '第 99999 号', 99_999]);
});

test('given a source that never waits and an eager reader, when 100,000 rows are exported as XLSX, then most of the file reaches the reader before the last row is read', async () => {
  let pulled = 0;
  function* immediate(): Generator<number> {
    for (; pulled < 100_000; pulled += 1) yield pulled;
  }
  let received = 0;
  let receivedBeforeLastRow = 0;
  for await (const chunk of exportRows('xlsx', immediate(), codeColumns)) {
    if (pulled < 100_000) receivedBeforeLastRow += (chunk as Buffer).length;
    received += (chunk as Buffer).length;
  }
  // Rows waiting for zlib would otherwise all be held until the source ends, and reach the reader only then.
  assert.ok(receivedBeforeLastRow > received / 2, `${receivedBeforeLastRow} of ${received} bytes arrived before the last row`);
});

test('given a reader that stops reading, when rows are exported as CSV, then the source is not drained ahead of it', async () => {
  const state = { pulled: 0, closed: false };
  const stream = exportRows('csv', countingSource(100_000, state), codeColumns);
  assert.ok((await settled(state)) < 50_000);
  const lines = (await bytesOf(stream)).toString('utf8').split('\r\n');
  assert.equal(lines.length, 100_002); // header, rows and the empty text after the last CRLF
});

for (const format of ['csv', 'xlsx'] as const) {
  test(`given a ${format} download that the client abandons, when the stream is destroyed, then the source is closed`, async () => {
    const state = { pulled: 0, closed: false };
    const stream = exportRows(format, countingSource(1_000_000, state), codeColumns);
    for await (const _chunk of stream) break;
    await settled(state);
    assert.ok(state.closed);
    assert.ok(state.pulled < 1_000_000);
  });

  test(`given a source that fails, when exported as ${format}, then the stream fails with that error`, async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('database went away');
    }
    await assert.rejects(bytesOf(exportRows(format, failing(), codeColumns)), /database went away/);
  });
}

test('given cells of every kind, when exported as XLSX, then empty and invalid values are empty cells and non-finite numbers are text', async () => {
  const values: Cell[] = [null, undefined, new Date(Number.NaN), Number.NaN, -Infinity, 0];
  const sheet = await xlsxOf(values, [{ header: 'v', value: (v: Cell) => v }]);
  assert.deepEqual(
    values.map((_, index) => sheet.getCell(`A${index + 2}`).value),
    [null, null, null, 'NaN', "'-Infinity", 0],
  );
});

test('given a Chinese file name, when download headers are made, then the name is in filename* with an ASCII fallback', () => {
  assert.deepEqual(downloadHeaders('xlsx', '邀请码 (2025)'), {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition':
      "attachment; filename=\"_____2025_.xlsx\"; filename*=UTF-8''%E9%82%80%E8%AF%B7%E7%A0%81%20%282025%29.xlsx",
  });
  assert.equal(downloadHeaders('csv', 'codes')['content-type'], 'text/csv; charset=utf-8');
});
