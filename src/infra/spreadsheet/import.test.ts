import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../errors.ts';
import { exportRows, safeCellText } from './export.ts';
import { importCsv, refuseInvalidRows, type CellCheck, type ImportColumn } from './import.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxRows: 1000 };

const code = {
  headers: ['code', '邀请码'],
  required: true,
  parse: (text: string): CellCheck<string> =>
    /^[A-HJ-NP-Z2-9]{4,18}$/.test(text.trim()) ? { value: text.trim() } : { error: 'Not an invite code' },
} satisfies ImportColumn<string, true>;
const uses = {
  headers: ['max uses', '最多使用次数'],
  required: false,
  parse: (text: string): CellCheck<number> => (/^\d+$/.test(text.trim()) ? { value: Number(text) } : { error: 'Must be a whole number' }),
} satisfies ImportColumn<number, false>;
const note = { headers: ['note', '备注'], required: false, parse: (text: string) => ({ value: text }) } satisfies ImportColumn<string, false>;
const schema = { code, uses, note };

function csv(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => assert.fail('the file was accepted'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AppError, `not a problem but ${String(error)}`);
  assert.ok(error.status >= 400 && error.status < 500);
  return error;
}

test('given codes exported as CSV with Chinese text, commas, quotes and line breaks, when imported, then every record comes back', async () => {
  const records = [
    { code: 'AB3KXY', uses: 5, note: '社区团购, "团长" 专用' },
    { code: 'ZZ99PQ', uses: undefined, note: '第一行\n第二行' },
    { code: 'MN7RT2', uses: 0, note: undefined },
  ];
  const exported = exportRows('csv', records, [
    { header: '邀请码', value: (r) => r.code },
    { header: '最多使用次数', value: (r) => r.uses },
    { header: '备注', value: (r) => r.note },
  ]);
  const report = await importCsv(exported, schema, LIMITS);
  assert.deepEqual(report, {
    rows: records.map((record, index) => ({ line: index + 2, record })),
    errors: [],
    invalidRows: 0,
  });
  const first: { code: string; uses: number | undefined; note: string | undefined } = report.rows[0]!.record;
  assert.equal(first.code, 'AB3KXY');
});

test('given rows with bad cells, blank lines and a multi-line cell, when imported, then the report names the exact spreadsheet line and column', async () => {
  const report = await importCsv(
    csv(
      [
        'Note,CODE,Max Uses', // line 1: any order, any case
        '"two\r\nlines",AB3KXY,3', // line 2 (one spreadsheet row)
        ',,', // line 3: blank, skipped
        'x,bad-code,many', // line 4: two problems
        '', // line 5: blank, skipped
        'y, ,7', // line 6: required value missing
        'z,QW2ERT,', // line 7: optional value empty
      ].join('\r\n'),
    ),
    schema,
    LIMITS,
  );
  assert.deepEqual(report.rows, [
    { line: 2, record: { note: 'two\r\nlines', code: 'AB3KXY', uses: 3 } },
    { line: 7, record: { note: 'z', code: 'QW2ERT', uses: undefined } },
  ]);
  assert.deepEqual(report.errors, [
    { line: 4, column: 'CODE', message: 'Not an invite code' },
    { line: 4, column: 'Max Uses', message: 'Must be a whole number' },
    { line: 6, column: 'CODE', message: 'A value is required' },
  ]);
  assert.equal(report.invalidRows, 2);
});

test('given headers with a BOM, LF line ends, full-width letters, Chinese labels and extra columns, when imported, then the columns are found', async () => {
  const report = await importCsv(csv('\uFEFF 邀请码 ,ＮＯＴＥ,来源\n AB3KXY ,hi,wechat\n'), schema, LIMITS);
  assert.deepEqual(report.rows, [{ line: 2, record: { code: 'AB3KXY', note: 'hi' } }]);
});

test('given a file streamed in one-byte pieces, when imported, then Chinese text split across pieces is read whole', async () => {
  const bytes = csv('邀请码,备注\r\nAB3KXY,中文备注\r\n');
  const report = await importCsv(Readable.from([...bytes].map((byte) => Buffer.of(byte))), schema, LIMITS);
  assert.deepEqual(report.rows, [{ line: 2, record: { code: 'AB3KXY', note: '中文备注' } }]);
});

const cellText = fc.string({ unit: fc.oneof(fc.constantFrom('=', '-', '@', '\t', '\r', '\n', ' ', '"', ',', "'", '中'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 10 });

test('given arbitrary notes, when exported and imported, then each note comes back in its safe form (blank ones as absent)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(cellText, { minLength: 1, maxLength: 6 }), async (notes) => {
      const exported = exportRows('csv', notes, [
        { header: 'code', value: () => 'AB3KXY' },
        { header: 'note', value: (text) => text },
      ]);
      const report = await importCsv(exported, schema, LIMITS);
      assert.deepEqual(
        report.rows.map((row) => row.record.note),
        notes.map((text) => (safeCellText(text).trim() === '' ? undefined : safeCellText(text))),
      );
    }),
  );
});

const MALFORMED: [string, string, string, number | undefined][] = [
  ['an unclosed quote', 'code,note\nAB3KXY,"open\nZZ99PQ,x\n', 'malformed', 2],
  ['text after a closing quote', 'code,note\nAB3KXY,ok\nZZ99PQ,"a"b\n', 'malformed', 3],
  ['a quote inside an unquoted value', 'code,note\nAB3KXY,a"b\n', 'malformed', 2],
  ['a row with too few values', 'code,note\nAB3KXY,ok\nZZ99PQ\n', 'ragged', 3],
  ['a row with too many values', 'code,note\n\nAB3KXY,ok,extra\n', 'ragged', 3],
  ['no required column', 'note,max uses\nhello,3\n', 'missing_columns', 1],
  ['a repeated header', 'code,note,Note\nAB3KXY,a,b\n', 'duplicate_columns', 1],
  ['the same column under two labels', 'code,邀请码\nAB3KXY,AB3KXY\n', 'duplicate_columns', 1],
  ['an empty file', '', 'empty', undefined],
  ['only a byte order mark', '\uFEFF', 'empty', undefined],
  ['a blank first line', ',\nAB3KXY,x\n', 'missing_header', 1],
];

for (const [what, text, reason, line] of MALFORMED) {
  test(`given a CSV with ${what}, when imported, then it is refused as ${reason}${line ? ` at line ${line}` : ''}`, async () => {
    const error = await refusal(importCsv(csv(text), schema, LIMITS));
    assert.equal(error.code, 'invalid_csv');
    assert.equal(error.status, 422);
    assert.equal(error.extensions.reason, reason);
    assert.equal(error.extensions.line, line);
    if (line) assert.match(error.message, new RegExp(`[Ll]ine ${line}\\b`));
  });
}

test('given a CSV missing a required column, when refused, then the problem names it', async () => {
  const error = await refusal(importCsv(csv('备注\nhello\n'), schema, LIMITS));
  assert.deepEqual(error.extensions.columns, ['code']);
  assert.match(error.message, /“code”/);
});

test('given a file over the byte limit, whole or streamed, when imported, then it is refused as too large before it is all read', async () => {
  const big = csv(`code\n${'AB3KXY\n'.repeat(200)}`);
  const whole = await refusal(importCsv(big, schema, { ...LIMITS, maxBytes: 1000 }));
  assert.equal(whole.code, 'payload_too_large');
  assert.equal(whole.status, 413);

  let piecesRead = 0;
  const pieces = (async function* () {
    for (let at = 0; at < big.length; at += 100) {
      piecesRead += 1;
      yield big.subarray(at, at + 100);
    }
  })();
  const streamed = await refusal(importCsv(pieces, schema, { ...LIMITS, maxBytes: 1000 }));
  assert.equal(streamed.code, 'payload_too_large');
  assert.ok(piecesRead <= 11);
});

test('given more rows than allowed (blank lines not counted), when imported, then it is refused at the first row too many', async () => {
  const ok = await importCsv(csv('code\nAB3KXY\n\nZZ99PQ\n'), schema, { ...LIMITS, maxRows: 2 });
  assert.equal(ok.rows.length, 2);
  const error = await refusal(importCsv(csv('code\nAB3KXY\n\nZZ99PQ\nMN7RT2\n'), schema, { ...LIMITS, maxRows: 2 }));
  assert.equal(error.extensions.reason, 'too_many_rows');
  assert.equal(error.extensions.line, 5);
});

test('given a file saved as GBK rather than UTF-8, when imported, then it is refused with how to save it', async () => {
  const gbk = Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xd1, 0xfb, 0xc7, 0xeb, 0xc2, 0xeb, 0x0a]); // "code\n邀请码\n" in GBK
  const error = await refusal(importCsv(gbk, schema, LIMITS));
  assert.equal(error.extensions.reason, 'not_utf8');
  assert.match(error.message, /CSV UTF-8/);
});

test('given an XLSX workbook uploaded as CSV, when imported, then it is refused as not CSV', async () => {
  const workbook = Buffer.concat(await exportRows('xlsx', ['AB3KXY'], [{ header: 'code', value: (text) => text }]).toArray());
  const error = await refusal(importCsv(workbook, schema, LIMITS));
  assert.equal(error.extensions.reason, 'not_csv');
});

test('given many bad rows, when imported, then the report lists at most maxErrors problems but counts every bad row', async () => {
  const report = await importCsv(csv(`code\n${'bad!\n'.repeat(30)}AB3KXY\n`), schema, { ...LIMITS, maxErrors: 5 });
  assert.equal(report.errors.length, 5);
  assert.deepEqual(report.errors[4], { line: 6, column: 'code', message: 'Not an invite code' });
  assert.equal(report.invalidRows, 30);
  assert.equal(report.rows.length, 1);
});

test('given a report with bad rows, when refused as a whole, then the problem carries the report; a clean report passes', async () => {
  const report = await importCsv(csv('code\nbad!\nAB3KXY\n'), schema, LIMITS);
  const error = await refusal(Promise.resolve().then(() => refuseInvalidRows(report)));
  assert.equal(error.extensions.reason, 'invalid_rows');
  assert.equal(error.extensions.invalidRows, 1);
  assert.deepEqual(error.extensions.rowErrors, [{ line: 2, column: 'code', message: 'Not an invite code' }]);
  assert.match(error.message, /1 row cannot be imported; nothing was imported/);
  refuseInvalidRows({ errors: [], invalidRows: 0 });
});
