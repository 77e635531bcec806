// Our extension `sv -j status`: one JSON object per service, from the client's typed Status.
// Real sv rejects -j (illegal option, exit 100), so no valid real-sv command line changes meaning.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { startRunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import { runSv } from '../compat/sv-harness.js';

for (const supervisor of SUPERVISORS) {
  describe(`sv -j under ${supervisor.name}`, { skip: NEEDS_RUNIT }, () => {
    test('status lines as JSON, errors counted in the exit code', async () => {
      const tree = await startRunsvTree(supervisor, { web: { log: {} }, idle: { down: true } });
      try {
        const run = await runSv(ourBin('sv'), ['-j', 'status', 'web', './idle', 'nonexist'], { cwd: tree.root, env: { SVDIR: tree.root } });
        assert.equal(run.code, 1);
        const [web, idle, missing] = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
        const expected = await new Client(join(tree.root, 'web')).status();
        assert.deepEqual(
          [web.service, web.state, web.pid, web.want, web.normallyUp, web.log.service, web.log.state, web.log.pid],
          ['web', 'run', expected.pid, 'up', true, 'log', 'run', expected.log?.pid],
        );
        assert.deepEqual([idle.service, idle.state, idle.pid, idle.normallyUp, idle.log], ['./idle', 'down', 0, false, null]);
        assert.deepEqual(missing, {
          service: 'nonexist',
          error: { code: 'ENOENT', message: 'unable to change to service directory: file does not exist' },
        });

        const real = await runSv(realBin('sv'), ['-j', 'status', 'web'], { cwd: tree.root, env: { SVDIR: tree.root } });
        assert.equal(real.code, 100);
        assert.match(real.stderr, /^sv: illegal option -- j$/m);
      } finally {
        await tree.cleanup();
      }
    });

    test('a dead runsv is an error object', async () => {
      const tree = await startRunsvTree(supervisor, { gone: {} });
      try {
        await new Client(join(tree.root, 'gone')).exit();
        await new Promise<void>((resolve) => tree.runsvs.get('gone')?.once('exit', () => resolve()));
        const run = await runSv(ourBin('sv'), ['-j', 's', 'gone'], { env: { SVDIR: tree.root } });
        assert.equal(run.code, 1);
        assert.equal(JSON.parse(run.stdout).error.code, 'ERR_RUNSV_NOT_RUNNING');
      } finally {
        await tree.cleanup();
      }
    });
  });
}
