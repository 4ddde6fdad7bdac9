// `npm run bench [-- name...]`: runs bench/*.bench.ts (or those whose file name contains a given word)
// in file-name order, then writes bench/results.json and prints a table.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, type Benchmark, type BenchEntry } from './lib/context.ts';

const BENCH_DIR = import.meta.dirname;
const RESULTS = path.join(BENCH_DIR, 'results.json');

function selectFiles(words: string[]): string[] {
  const files = readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => words.length === 0 || words.some((word) => file.includes(word)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${words.join(', ')}`);
  return files;
}

async function loadBenchmark(file: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { default?: unknown; run?: unknown };
  const run = module.default ?? module.run;
  if (typeof run !== 'function') throw new Error(`${file} must export run(ctx) (default or named)`);
  return run as Benchmark;
}

function checkEntry(file: string, entry: BenchEntry): BenchEntry {
  if (typeof entry.name !== 'string' || typeof entry.unit !== 'string' || !Number.isFinite(entry.value)) {
    throw new Error(`${file} returned an invalid entry: ${JSON.stringify(entry)}`);
  }
  return entry;
}

function formatTable(entries: BenchEntry[]): string {
  const rows = entries.map((e) => [e.name, Number.isInteger(e.value) ? String(e.value) : e.value.toFixed(2), e.unit, e.extra ?? '']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows
    .map(([name = '', value = '', unit = '', extra = '']) =>
      [name.padEnd(widths[0] ?? 0), value.padStart(widths[1] ?? 0), unit.padEnd(widths[2] ?? 0), extra].join('  ').trimEnd(),
    )
    .join('\n');
}

async function main(words: string[]): Promise<void> {
  const ctx = createContext();
  const entries: BenchEntry[] = [];
  for (const file of selectFiles(words)) {
    const started = Date.now();
    console.error(`bench: ${file} ...`);
    const run = await loadBenchmark(file);
    entries.push(...(await run(ctx)).map((entry) => checkEntry(file, entry)));
    console.error(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  writeFileSync(RESULTS, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(formatTable(entries));
  console.error(`bench: wrote ${path.relative(process.cwd(), RESULTS)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
