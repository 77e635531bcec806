// supervise/stats is rewritten in place (issue 22, docs/node-runit.md "Run statistics"): one
// fixed-size record at offset 0, its sequence number at both ends. A reader hammering the file
// while another thread rewrites it must only ever get a whole record, old or new, never half of
// one; the first record replaces an earlier version's bare JSON line whole.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SuperviseDir } from '../../src/client/supervise-dir.js';
import { emptyRunStats, formatRunStats, formatRunStatsRecord, isTornRunStatsRecord, parseRunStats, RUN_STATS_RECORD_BYTES } from '../../src/protocol/run-stats.js';
import { SuperviseFiles } from '../../src/runsv/supervise-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const WRITES = 5_000;

/**
 * A writer thread: SuperviseFiles rewriting the record WRITES times, its JSON changing length,
 * 0.2 ms apart: thousands of times faster than a supervisor's records (one start per second at
 * most), yet a reader still meets records half written.
 */
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { SuperviseFiles } = await import(workerData.filesUrl);
  const { emptyRunStats, formatRunStatsRecord } = await import(workerData.statsUrl);
  const files = new SuperviseFiles(workerData.dir, '', (text) => parentPort.postMessage({ warning: text }));
  const stats = emptyRunStats(1);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 1; i <= workerData.writes; i++) {
    stats.restarts = i;
    stats.totalStarts = i % 2 === 0 ? i : 10 ** 15 + i;
    stats.lastExit = i % 3 === 0 ? null : { code: i % 256, signal: 0, at: 10 ** 12 + i, runMillis: i };
    files.writeStats(formatRunStatsRecord(stats, i));
    Atomics.wait(pause, 0, 0, 0.2);
  }
  files.close();
  parentPort.postMessage({ done: true });
})();
`;

test('the record: fixed size, sequence at both ends; torn, resized or mismatched records read as none', () => {
  const stats = { ...emptyRunStats(1000), restarts: 3, totalStarts: 9, lastExit: { code: 255, signal: 0, at: 2 ** 52, runMillis: 2 ** 52 } };
  const record = formatRunStatsRecord(stats, 41);
  assert.equal(Buffer.byteLength(record), RUN_STATS_RECORD_BYTES);
  assert.match(record, /^000000000041 \{.*\} +000000000041\n$/);
  assert.deepEqual(parseRunStats(record), stats);
  assert.equal(isTornRunStatsRecord(record), false);
  const next = formatRunStatsRecord({ ...stats, restarts: 4 }, 42);
  const torn = [next.slice(0, 200) + record.slice(200), record.slice(0, 300) + next.slice(300), record.slice(0, 400), `${record}junk`];
  for (const text of torn) {
    assert.equal(isTornRunStatsRecord(text), true);
    assert.equal(parseRunStats(text), undefined);
  }
  // An earlier version's file (one bare JSON line) still reads, so a new supervisor keeps its totals.
  assert.deepEqual(parseRunStats(formatRunStats(stats)), stats);
  assert.equal(isTornRunStatsRecord(formatRunStats(stats)), false);
});

test('a reader hammering supervise/stats while it is rewritten in place sees only whole records, in order', { timeout: 120_000 }, async (t) => {
  const dir = makeTempDir(t);
  mkdirSync(join(dir, 'supervise'));
  // An earlier version's file, longer than nothing and shorter than a record: replaced whole.
  writeFileSync(join(dir, 'supervise', 'stats'), formatRunStats({ ...emptyRunStats(1), restarts: 0 }));
  const worker = new Worker(WRITER, {
    eval: true,
    workerData: {
      dir,
      writes: WRITES,
      filesUrl: pathToFileURL(join(import.meta.dirname, '../../src/runsv/supervise-files.js')).href,
      statsUrl: pathToFileURL(join(import.meta.dirname, '../../src/protocol/run-stats.js')).href,
    },
  });
  const warnings: string[] = [];
  let isDone = false;
  worker.on('message', (message: { warning?: string; done?: boolean }) => {
    if (message.warning !== undefined) warnings.push(message.warning);
    if (message.done === true) isDone = true;
  });
  const exited = new Promise((resolve, reject) => {
    worker.on('exit', resolve);
    worker.on('error', reject);
  });
  const reader = new SuperviseDir(dir);
  let last = 0;
  let reads = 0;
  let rawTorn = 0;
  while (!isDone) {
    const text = reader.readStats();
    const stats = text === undefined ? undefined : parseRunStats(text);
    assert.ok(stats !== undefined, `read ${reads}: not a whole record: ${JSON.stringify(text)}`);
    assert.ok(stats.restarts >= last, `read ${reads}: restarts went back from ${last} to ${stats.restarts}`);
    last = stats.restarts;
    reads++;
    // Single raw reads, only counted: how often a reader without the retry would meet a torn one.
    if (isTornRunStatsRecord(readFileSync(join(dir, 'supervise', 'stats'), 'utf8'))) rawTorn++;
    // Let the worker's messages in now and then without slowing the reads much.
    if (reads % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await exited;
  assert.deepEqual(warnings, []);
  assert.equal(parseRunStats(readFileSync(join(dir, 'supervise', 'stats'), 'utf8'))?.restarts, WRITES);
  assert.equal(statSync(join(dir, 'supervise', 'stats')).size, RUN_STATS_RECORD_BYTES);
  t.diagnostic(`${reads} reads during ${WRITES} writes; ${rawTorn} single reads were torn`);
});

test('the writer keeps one descriptor for the record and gives it back on close', (t) => {
  const dir = makeTempDir(t);
  mkdirSync(join(dir, 'supervise'));
  const warnings: string[] = [];
  const files = new SuperviseFiles(dir, '', (text) => warnings.push(text));
  const path = join(dir, 'supervise', 'stats');
  files.writeStats(formatRunStatsRecord(emptyRunStats(5), 1));
  const inode = statSync(path).ino;
  files.writeStats(formatRunStatsRecord({ ...emptyRunStats(5), restarts: 7 }, 2));
  assert.equal(statSync(path).ino, inode, 'rewritten in place, not renamed over');
  assert.equal(parseRunStats(readFileSync(path, 'utf8'))?.restarts, 7);
  files.close();
  assert.deepEqual(warnings, []);
});
