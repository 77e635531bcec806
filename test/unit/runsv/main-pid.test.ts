// Which MAINPID= a supervisor follows (src/runsv/main-pid.ts): a live descendant of the current
// main process, never an unrelated or a dead one; read from /proc on real processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { mainPidRefusal } from '../../../src/runsv/main-pid.js';
import { isDescendantOf, parentPid } from '../../../src/sys/proc.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a grandchild of the main process is followed; the supervisor, init, a stranger and the dead are not', async (t) => {
  // sh (the "main process") starts sleep (its successor) and waits.
  const main = spawn('/bin/sh', ['-c', 'sleep 1000 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => main.kill('SIGKILL'));
  const [line] = (await once(main.stdout, 'data')) as [Buffer];
  const successor = Number(line.toString().trim());
  t.after(() => {
    try {
      process.kill(successor, 'SIGKILL');
    } catch {
      // gone
    }
  });
  assert.equal(parentPid(successor), main.pid);
  assert.equal(isDescendantOf(successor, main.pid!), true);
  assert.equal(isDescendantOf(successor, process.pid), true);
  assert.equal(isDescendantOf(main.pid!, successor), false);
  assert.equal(mainPidRefusal(main.pid!, successor), undefined);
  assert.match(mainPidRefusal(main.pid!, process.pid)!, /not a process the service started/);
  assert.match(mainPidRefusal(main.pid!, 1)!, /not a process the service started/);
  process.kill(successor, 'SIGKILL');
  await waitFor('the successor gone', () => mainPidRefusal(main.pid!, successor)?.includes('no such process'));
});
