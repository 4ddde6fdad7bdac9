import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWorkerPool, siblingModule, workerPoolLoads } from './pool.ts';
import type { TestJob } from './test-worker.ts';

const pool = createWorkerPool<TestJob, string>({ kind: 'test', entry: siblingModule(import.meta.url, 'test-worker'), size: 2, task: 'Testing' });
const load = () => workerPoolLoads().find((l) => l.kind === 'test');

function holdFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}
function release(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

describe('worker pools', () => {
  test('given a job holding its worker, then the event loop goes on meanwhile, and the result comes back once it is released', async () => {
    const flag = holdFlag();
    const done: string[] = [];
    const held = pool.run({ echo: 'held', hold: flag }).then((value) => done.push(`job:${value}`));
    while (load()?.running !== 1) await new Promise((resolve) => setImmediate(resolve));
    done.push('loop');
    release(flag);
    await held;
    assert.deepEqual(done, ['loop', 'job:held']);
  });

  test('given more jobs than workers, then the rest wait their turn, each gets its own result, and the metrics count them', async () => {
    const flags = [holdFlag(), holdFlag()];
    const jobs = [pool.run({ echo: 'a', hold: flags[0] }), pool.run({ echo: 'b', hold: flags[1] }), pool.run({ echo: 'c' }), pool.run({ echo: 'd' })];
    assert.deepEqual(load(), { kind: 'test', running: 2, queued: 2 });
    flags.forEach(release);
    assert.deepEqual(await Promise.all(jobs), ['a', 'b', 'c', 'd']);
    assert.deepEqual(load(), { kind: 'test', running: 0, queued: 0 });
  });

  test('given a job that throws, then only that job fails, with its message', async () => {
    await assert.rejects(pool.run({ fail: 'bad input' }), /^Error: Testing failed: bad input$/);
    assert.equal(await pool.run({ echo: 'next' }), 'next');
  });

  test('given a worker that dies mid-job, then that job fails, and the next jobs get new workers', async () => {
    await assert.rejects(pool.run({ exit: 7 }), /Testing failed: the worker stopped \(exit code 7\)/);
    assert.deepEqual(await Promise.all([pool.run({ exit: 9 }).catch((error: Error) => error.message), pool.run({ echo: 'e' }), pool.run({ echo: 'f' })]), [
      'Testing failed: the worker stopped (exit code 9)',
      'e',
      'f',
    ]);
    assert.deepEqual(load(), { kind: 'test', running: 0, queued: 0 });
  });

  test('given a pool that ends idle workers, then a job after the idle time gets a new worker, and one before it the same worker', async () => {
    const ending = createWorkerPool<TestJob, string>({ kind: 'test_idle', entry: siblingModule(import.meta.url, 'test-worker'), size: 1, task: 'Testing', idleMs: 1 });
    const kept = createWorkerPool<TestJob, string>({ kind: 'test_kept', entry: siblingModule(import.meta.url, 'test-worker'), size: 1, task: 'Testing' });
    const first = [await ending.run({}), await kept.run({})];
    // Timers fire in the order they fall due: this one after the 1 ms idle timer set before it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = [await ending.run({}), await kept.run({})];
    assert.notEqual(second[0], first[0], 'the idle worker was ended');
    assert.equal(second[1], first[1], 'without idleMs the worker stays');
  });
});
