// Our extension `sv -j`: one JSON object per service, from the client's typed Status, for status
// and for every other command's result.
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

    test('every command gives its result as JSON: sent, ok, timeout, fail', async () => {
      const tree = await startRunsvTree(supervisor, { web: {}, stubborn: { run: "trap '' TERM\nexec sleep 1000" } });
      const sv = (args: string[]) => runSv(ourBin('sv'), ['-j', ...args], { env: { SVDIR: tree.root } });
      const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));
      try {
        const sent = await sv(['down', 'web']);
        assert.equal(sent.code, 0);
        assert.deepEqual(lines(sent.stdout).map((line) => [line.service, line.command, line.result]), [['web', 'down', 'sent']]);

        const up = await sv(['-w', '5', 'up', 'web']);
        assert.equal(up.code, 0);
        const [ok] = lines(up.stdout);
        const expected = await new Client(join(tree.root, 'web')).status();
        assert.deepEqual([ok.service, ok.command, ok.result, ok.status.state, ok.status.pid], ['web', 'up', 'ok', 'run', expected.pid]);

        const stop = await sv(['-w', '1', 'stop', 'stubborn']);
        assert.equal(stop.code, 1, 'a timeout counts as a failure, as in sv');
        const [timeout] = lines(stop.stdout);
        assert.deepEqual([timeout.command, timeout.result, timeout.status.state, timeout.status.want], ['stop', 'timeout', 'run', 'down']);

        const failed = await sv(['-v', 'up', 'nonexist']);
        assert.equal(failed.code, 1);
        assert.deepEqual(lines(failed.stdout), [
          { service: 'nonexist', error: { code: 'ENOENT', message: 'unable to change to service directory: file does not exist' } },
        ]);
        assert.equal(failed.stderr, '');
      } finally {
        await tree.cleanup();
      }
    });
  });
}
