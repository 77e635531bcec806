// /proc/PID/stat's state letter: read past the command name, whatever that name holds.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLive, isZombie, processState } from '../../../src/sys/proc.js';
import { spawnTracked } from '../../helpers/procs.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a command name holding ") Z " does not make a sleeping process a zombie', async (t) => {
  const program = join(makeTempDir(t), 'x) Z y');
  copyFileSync('/bin/sleep', program);
  const { pid } = spawnTracked(t, program, ['100']);
  await waitFor('the copy to be running under its odd name', () => processState(pid) === 'S');
  assert.equal(isZombie(pid), false);
  assert.equal(isLive(pid), true);
});

test('this process is live; a pid not in /proc has no state and is not live', () => {
  assert.equal(isLive(process.pid), true);
  assert.equal(processState(process.pid), 'R');
  assert.equal(processState(0x3fffffff), undefined);
  assert.equal(isLive(0x3fffffff), false);
  assert.equal(isZombie(0x3fffffff), false);
});
