// Our svlogd as the log service of real runit 2.1.2's runsv: restarts by `sv restart` (TERM)
// lose no line, since runsv keeps the pipe and svlogd stops at a line end (SVL-11, SVL-20).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { spawnTracked } from '../helpers/procs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

test('real runsv + our svlogd: two logger restarts lose and repeat no line', { skip: NEEDS_RUNIT }, async (t) => {
  const service = makeTempDir(t, 'svlogd-runsv-');
  mkdirSync(join(service, 'log/main'), { recursive: true });
  script(join(service, 'run'), 'i=0; while :; do i=$((i+1)); echo "line $i"; sleep 0.01; done');
  script(join(service, 'log/run'), `exec ${ourBin('svlogd')} ./main`);
  const runsv = spawnTracked(t, realBin('runsv'), [service]);
  const main = join(service, 'log/main');
  const logged = () =>
    readdirSync(main)
      .filter((name) => name === 'current' || name.startsWith('@'))
      .sort((a, b) => (a === 'current' ? 1 : b === 'current' ? -1 : a < b ? -1 : 1))
      .map((name) => readFileSync(join(main, name), 'utf8'))
      .join('');
  const lineCount = () => (existsSync(join(main, 'current')) ? logged().split('\n').length - 1 : 0);

  for (let restart = 0; restart < 2; restart++) {
    const before = lineCount();
    await waitFor('more lines logged', () => lineCount() > before + 20, { timeout: 15_000 });
    await run(realBin('sv'), ['restart', join(service, 'log')]);
  }
  const before = lineCount();
  await waitFor('lines after the restarts', () => lineCount() > before + 20, { timeout: 15_000 });
  await run(realBin('sv'), ['exit', service]);
  assert.equal((await runsv.exited).code, 0);

  const lines = logged().split('\n');
  assert.equal(lines.pop(), '');
  assert.ok(lines.length > 60, `only ${lines.length} lines`);
  lines.forEach((line, index) => assert.equal(line, `line ${index + 1}`));
});
