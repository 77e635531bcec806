// node-runit events (issue 21): every transition of a crash loop, checked against the
// supervisor's own counts, services added and removed, and the same from a tree real runit runs.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../../src/index.js';
import { watchTree, type TreeEvent } from '../../../src/node-runit/events.js';
import { NEEDS_RUNIT, ourBin } from '../../helpers/binaries.js';
import { makeService } from '../../helpers/service-dir.js';
import { startViewTree, TREE_KINDS } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';
import { spawn } from 'node:child_process';

for (const kind of TREE_KINDS) {
  describe(`node-runit events, tree run by ${kind}`, { skip: NEEDS_RUNIT }, () => {
    test('a crash loop: no transition missed; added and removed services', { timeout: 90_000 }, async (t) => {
      const tree = startViewTree(t, kind, { crashy: { run: 'sleep 0.1\nexit 3', ready: 'any' as const }, calm: {} });
      const crashy = new Client(join(tree.dir, 'crashy'));
      await waitFor('crashy supervised', () => crashy.status().then(() => true, () => false), { timeout: 20_000 });
      const controller = new AbortController();
      const events: TreeEvent[] = [];
      const collecting = (async () => {
        for await (const event of watchTree([tree.dir], { signal: controller.signal, initial: true })) events.push(event);
      })();
      t.after(() => controller.abort());
      const of = (type: string, service = 'crashy'): TreeEvent[] => events.filter((e) => e.type === type && e.service === service);
      await waitFor('four crashes', () => of('exit').length >= 4, { timeout: 30_000 });
      await crashy.down();
      await waitFor('crashy down for good', () => events.some((e) => e.service === 'crashy' && e.type === 'want' && e.want === 'down'), { timeout: 10_000 });
      const final = await crashy.waitFor((s) => s.state === 'down', 10_000);
      // The iterator has seen the last change once it has seen the state the record now holds.
      await waitFor('the events to catch up', () => of('exit').length > 0 && events.filter((e) => e.service === 'crashy').at(-1)?.type !== 'up', { timeout: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 300));

      makeService(join(tree.dir, 'late'));
      await waitFor('late added', () => of('added', 'late').length === 1, { timeout: 15_000 });
      renameSync(join(tree.dir, 'late'), join(tree.dir, '..', 'late-gone'));
      await waitFor('late removed', () => of('removed', 'late').length === 1, { timeout: 15_000 });
      controller.abort();
      await collecting;

      const initial = of('status')[0]!;
      const ups = of('up');
      const exits = of('exit');
      if (kind !== 'real runit') {
        // The supervisor's own counts are the reference: every start and restart is an event.
        assert.equal(ups.length, final.stats!.totalStarts - initial.starts!, JSON.stringify(events.map((e) => e.type)));
        assert.equal(of('restart').length, final.stats!.restarts - initial.restarts!, JSON.stringify([initial, final.stats, events.filter((e) => e.service === 'crashy')]));
        assert.equal(exits.length, ups.length + (initial.state === 'run' ? 1 : 0));
        assert.equal(exits.at(-1)?.code, final.stats!.lastExit?.code);
        t.diagnostic(`inferred: ${events.filter((e) => e.inferred).length} of ${events.length}`);
      } else {
        assert.ok(exits.length >= 4);
        assert.equal(new Set(ups.map((e) => e.pid)).size, ups.length, 'each up is a new pid');
      }
      // Between exits, there is always an up: the sequence alternates.
      const sequence = events.filter((e) => e.service === 'crashy' && (e.type === 'up' || e.type === 'exit')).map((e) => e.type);
      for (let i = 1; i < sequence.length; i++) assert.notEqual(sequence[i], sequence[i - 1], sequence.join(' '));
      assert.equal(of('exit', 'calm').length, 0);
    });
  });
}

test('node-runit events prints JSON lines and stops on SIGINT', { timeout: 30_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { one: {} });
  const one = new Client(join(tree.dir, 'one'));
  await waitFor('one running', () => one.status().then((s) => s.state === 'run', () => false), { timeout: 15_000 });
  const child = spawn(ourBin('node-runit'), ['events', '--initial', tree.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await waitFor('the initial status line', () => out.includes('\n'));
  await one.down();
  await waitFor('the down event', () => out.includes('"type":"down"'));
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as TreeEvent);
  assert.deepEqual(lines[0] && [lines[0].type, lines[0].service, lines[0].state], ['status', 'one', 'run']);
  assert.ok(lines.some((e) => e.type === 'want' && e.want === 'down'));
});
