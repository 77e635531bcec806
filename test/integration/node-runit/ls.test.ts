// node-runit ls (issue 21): the table and --json against trees run by ours (both topologies)
// and by real runit, whose missing statistics show as '-'.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, ourBin } from '../../helpers/binaries.js';
import { runCommand } from '../../helpers/sv-run.js';
import { startViewTree, TREE_KINDS } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';
import type { ServiceView } from '../../../src/node-runit/index.js';

const SPECS = {
  web: { run: 'sleep 1000 &\nexec sleep 1001' },
  crashy: { run: 'exit 3', ready: 'any' as const },
  idle: { down: true },
};

async function lsJson(dir: string): Promise<ServiceView[]> {
  const result = await runCommand(ourBin('node-runit'), ['ls', '--json', dir]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ServiceView[];
}

for (const kind of TREE_KINDS) {
  describe(`node-runit ls, tree run by ${kind}`, { skip: NEEDS_RUNIT }, () => {
    test('a table with every service, plain when piped; --json with the same figures', { timeout: 60_000 }, async (t) => {
      const tree = startViewTree(t, kind, SPECS);
      const isOurs = kind !== 'real runit';
      const views = await waitFor('web running and crashy restarted', async () => {
        const found = await lsJson(tree.dir);
        const web = found.find((view) => view.name === 'web');
        const crashy = found.find((view) => view.name === 'crashy');
        const isCrashSeen = isOurs ? (crashy?.stats?.restarts ?? 0) >= 1 : crashy?.state !== 'unsupervised';
        return web?.state === 'run' && web.memoryBytes !== undefined && isCrashSeen ? found : undefined;
      }, { timeout: 20_000 });
      assert.deepEqual(views.map((view) => view.name), ['crashy', 'idle', 'web']);
      const [crashy, idle, web] = views as [ServiceView, ServiceView, ServiceView];
      assert.ok(web.pid > 0);
      assert.ok(web.memoryBytes! > 0, 'resident memory of the tree');
      assert.ok(web.cpuSeconds! >= 0);
      assert.equal(idle.state, 'down');
      assert.equal(idle.normallyUp, false);
      if (isOurs) {
        assert.equal(crashy.stats?.lastExit?.code, 3);
        assert.equal(web.stats?.restarts, 0);
      } else {
        assert.equal(crashy.stats, undefined);
      }

      const table = await runCommand(ourBin('node-runit'), ['ls', tree.dir]);
      assert.equal(table.code, 0);
      assert.doesNotMatch(table.stdout, /\x1b\[/, 'no colour into a pipe');
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^NAME\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+LAST EXIT\s+CPU\s+MEM$/);
      assert.equal(lines.length, 4);
      assert.match(lines[3]!, new RegExp(`^web\\s+run\\s+${web.pid}\\s+\\d+s\\s+${isOurs ? '0' : '-'}\\s+-\\s+[\\d.]+s\\s+[\\d.]+[KMG]$`));
      assert.match(lines[2]!, /^idle\s+down\s+-\s+\d+s\s+/);
      if (isOurs) assert.match(lines[1]!, /^crashy\s+\w+(, crash loop)?\s+.*exit 3, \d+s ago/);
      else assert.match(lines[1]!, /^crashy\s+\w+\s+(\d+|-)\s+\d+s\s+-\s+-\s+/);
    });
  });
}

test('ls: a missing tree is a fatal error (111), a bad option a usage error (100)', async () => {
  const missing = await runCommand(ourBin('node-runit'), ['ls', join('/nonexistent', 'tree')]);
  assert.equal(missing.code, 111);
  assert.match(missing.stderr, /^node-runit: fatal: /);
  const usage = await runCommand(ourBin('node-runit'), ['ls', '--bogus']);
  assert.equal(usage.code, 100);
  assert.match(usage.stderr, /^node-runit: .*bogus/);
  const none = await runCommand(ourBin('node-runit'), ['nope']);
  assert.equal(none.code, 100);
});
