// The fault wall, in a process of its own: an in-process Supervisor's escaped exception is
// reported and the others go on; the program's own bug is not hidden, it crashes as unwalled.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';

const WALL = JSON.stringify(join(REPO_ROOT, 'dist/src/runsvdir/fault-wall.js'));
const HOST = JSON.stringify(join(REPO_ROOT, 'dist/src/runsvdir/in-process-supervisors.js'));

function runScript(script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
}

test("a Supervisor's uncaught throw and unhandled rejection are reported, and the others live on", () => {
  const result = runScript(`
    const { installFaultWall } = await import(${WALL});
    const { InProcessSupervisors } = await import(${HOST});
    let warnings = 0;
    let report = () => {};
    installFaultWall((text) => {
      process.stdout.write('warn: ' + text.split(' | ')[0] + '\\n');
      if (++warnings === 3) report();
    });
    // Faults from the Supervisors' own event callbacks, where no promise of the host can catch them.
    const start = async (dir) => {
      const name = dir.split('/').pop();
      if (name === 'thrower') setTimeout(() => { throw new Error('one supervisor broke'); }, 0);
      if (name === 'rejecter') setTimeout(() => Promise.reject(new Error('another one')), 10);
      if (name === 'stopper') {
        return { dir, exited: new Promise(() => {}), killAll() {},
          terminate() { setTimeout(() => { throw new Error('broke while stopping'); }, 0); } };
      }
      return { dir, exited: new Promise(() => {}), terminate() {}, killAll() {} };
    };
    const host = new InProcessSupervisors('/nonexistent', start, { writeDiagnostic: (line) => process.stderr.write(line) });
    for (const name of ['thrower', 'rejecter', 'stopper', 'good']) host.start(name, () => {});
    // Stopped once the other two faults are in, so the three warnings come in a known order.
    let stopped = false;
    const stopStopper = () => {
      if (stopped) return;
      if (warnings < 2) return void setTimeout(stopStopper, 5);
      stopped = true;
      host.running().find((s) => s.name === 'stopper').stop();
    };
    stopStopper();
    report = () => setImmediate(() => {
      process.stdout.write('still hosting: ' + host.running().map((s) => s.name).join(' ') + '\\n');
      process.exit(0);
    });
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    'warn: internal error, continuing: Error: one supervisor broke\n' +
      'warn: internal error, continuing: Error: another one\n' +
      'warn: internal error, continuing: Error: broke while stopping\n' +
      'still hosting: thrower rejecter stopper good\n',
  );
});

for (const [kind, fault] of [
  ['throw', "setTimeout(() => { throw new Error('the program broke'); }, 0);"],
  ['rejection', "setTimeout(() => Promise.reject(new Error('the program broke')), 0);"],
] as const) {
  test(`the program's own ${kind} is not walled off: it ends the process as without the wall`, () => {
    const result = runScript(`
      const { installFaultWall } = await import(${WALL});
      installFaultWall((text) => process.stdout.write('warn: ' + text + '\\n'));
      ${fault}
      setTimeout(() => process.stdout.write('went on\\n'), 100);
    `);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Error: the program broke/);
  });
}
