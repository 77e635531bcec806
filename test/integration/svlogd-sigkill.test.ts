// What svlogd has read and not yet written is lost when it is killed with SIGKILL. runit's reads
// at most -b bytes (1024) and writes each line before reading on, so that window is about one
// buffer; ours must not hold more (issue 14, fault 3; SVL-6, SVL-12, SVL-13). Numbered lines
// flow at a steady rate through a pipe the test holds; each svlogd in turn is killed while it
// works through the backlog that built up while it was starting, and the next one goes on from
// what is left in the pipe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { O_CLOEXEC, pipe2 } from '../../src/sys/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type T = Parameters<typeof makeTempDir>[0];

const LINES = 30_000;
const LINES_PER_SECOND = 20_000;
const KILLS = 6;
const PAD = 'x'.repeat(88);
/** Lines of 97 bytes that one 1024-byte read can hold a part of. */
const LINES_PER_BUFFER = Math.ceil(1024 / 97) + 1;

/** Writes LINES numbered lines of ~100 bytes to fd 3 at a steady rate, then exits. */
const FEEDER = `
const { writeSync } = require('node:fs');
const [lines, rate, pad] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
const start = Date.now();
let next = 0;
const tick = () => {
  const due = Math.min(lines, Math.floor(((Date.now() - start) * rate) / 1000));
  let text = '';
  for (; next < due; next++) text += String(next).padStart(7, '0') + ' ' + pad + '\\n';
  if (text !== '') writeSync(3, text);
  if (next < lines) setTimeout(tick, 5);
};
tick();
`;

function logSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) if (name === 'current' || name.startsWith('@')) total += statSync(join(dir, name)).size;
  return total;
}

/** The numbers of the lines that reached the log whole. */
function loggedNumbers(dir: string): Set<number> {
  const found = new Set<number>();
  const line = new RegExp(`^(\\d{7}) ${PAD}$`);
  for (const name of readdirSync(dir)) {
    if (name !== 'current' && !name.startsWith('@')) continue;
    for (const text of readFileSync(join(dir, name), 'latin1').split('\n')) {
      const match = line.exec(text);
      if (match) found.add(Number(match[1]));
    }
  }
  return found;
}

/** Runs the feed through `bin` killed KILLS times; returns how many lines never reached the log. */
async function linesLost(t: T, bin: string): Promise<number> {
  const root = makeTempDir(t);
  const dir = join(root, 'log');
  mkdirSync(dir);
  // Rotations (fsync'ed) every ~1000 lines, nothing deleted: the slow steps are part of the run.
  writeFileSync(join(dir, 'config'), 's100000\nn1000\n');
  const [r, w] = pipe2(O_CLOEXEC);
  const feeder = spawn(process.execPath, ['-e', FEEDER, String(LINES), String(LINES_PER_SECOND), PAD], {
    stdio: ['ignore', 'ignore', 'inherit', w],
  });
  closeSync(w);
  const fed = new Promise((resolve) => feeder.on('close', resolve));
  t.after(() => {
    if (feeder.exitCode === null && feeder.signalCode === null) feeder.kill('SIGKILL');
  });
  try {
    for (let kill = 0; kill <= KILLS; kill++) {
      const before = logSize(dir);
      const child = spawn(bin, [dir], { stdio: [r, 'ignore', 'inherit'] });
      const exited = new Promise((resolve) => child.on('close', resolve));
      t.after(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      if (kill === KILLS) {
        await fed;
        await exited;
        break;
      }
      // Killed while it catches up: it has started writing, the pipe still holds the backlog.
      await waitFor('svlogd writing', () => logSize(dir) > before, { timeout: 10_000, interval: 2 });
      await sleep(5);
      child.kill('SIGKILL');
      await exited;
    }
  } finally {
    closeSync(r);
  }
  return LINES - loggedNumbers(dir).size;
}

test('svlogd killed with SIGKILL loses no more of what it read than runit`s (issue 14, fault 3)', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const ours = await linesLost(t, ourBin('svlogd'));
  const runit = await linesLost(t, realBin('svlogd'));
  t.diagnostic(`lines lost in ${KILLS} kills: ours ${ours}, runit ${runit}`);
  // Killed while busy, either loses what it read and has not written: at most one 1024-byte
  // buffer a kill (~10 lines, and one more split across reads). runit is faster through the
  // backlog, so is more often caught idle; the bound is its worst case, not its luck.
  assert.ok(ours <= 2 * runit + LINES_PER_BUFFER * KILLS, `ours lost ${ours} lines in ${KILLS} kills, runit ${runit}`);
});
