/**
 * Micro-benchmark (not a test): decoding the 20-byte status record with unpackStatusInto into
 * one reused record allocates nothing, unlike unpackStatus (a new object per call). Prints ops/s
 * and the heap growth over the timed loop for each. Run: node --expose-gc dist/bench/status-decode.js
 */
import { FLAVOURS, emptyFlavourRecord } from '../src/client/flavours.js';
import { emptyStatusRecord, unpackStatus, unpackStatusInto } from '../src/protocol/status.js';

const RECORD = Uint8Array.from([0x40, 0, 0, 0, 0x6b, 0x04, 0x2e, 0x0a, 0x31, 0xdf, 0x86, 0x54, 0x35, 0x25, 0, 0, 0, 0x75, 0, 1]);
const ITERATIONS = 5_000_000;
const gc = (globalThis as { gc?: () => void }).gc;

function measure(name: string, body: () => number): void {
  for (let i = 0; i < 200_000; i++) body(); // warm up the JIT
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < ITERATIONS; i++) sink += body();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const heapAfter = process.memoryUsage().heapUsed;
  const growth = ((heapAfter - heapBefore) / 1024).toFixed(1);
  console.log(`${name.padEnd(34)} ${Math.round(ITERATIONS / elapsed).toLocaleString('en')} ops/s, heap growth ${growth} KiB (sink ${sink % 7})`);
}

const reused = emptyStatusRecord();
const flavourRecord = emptyFlavourRecord();
if (gc === undefined) console.log('(run with --expose-gc for a meaningful heap figure)');
measure('baseline (empty loop body)', () => RECORD[12]!);
measure('unpackStatusInto (reused record)', () => (unpackStatusInto(RECORD, reused) ? reused.pid : 0));
measure('FLAVOURS.runit.decode (reused)', () => (FLAVOURS.runit.decode(RECORD, 20, flavourRecord) ? flavourRecord.pid : 0));
measure('unpackStatus (new record each)', () => unpackStatus(RECORD)?.pid ?? 0);
