// node-runit metrics (issue 21): the exposition over HTTP parses strictly, and /healthz flips
// to 503 when a service that should be up dies and back to 200 when it runs again, against
// trees run by ours and by real runit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../../src/index.js';
import { listenMetrics } from '../../../src/node-runit/metrics-server.js';
import { NEEDS_RUNIT, ourBin } from '../../helpers/binaries.js';
import { parsePrometheusText, sampleOf } from '../../helpers/prometheus-text.js';
import { startViewTree, TREE_KINDS } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';

const FRAGILE = 'if [ -e ../stop-fragile ]; then exit 1; fi\nexec sleep 1000';

for (const kind of TREE_KINDS) {
  describe(`node-runit metrics, tree run by ${kind}`, { skip: NEEDS_RUNIT }, () => {
    test('the exposition parses; health flips when a service dies and comes back', { timeout: 60_000 }, async (t) => {
      const tree = startViewTree(t, kind, { fragile: { run: FRAGILE }, idle: { down: true } });
      const fragile = new Client(join(tree.dir, 'fragile'));
      await waitFor('fragile running', () => fragile.status().then((s) => s.state === 'run', () => false), { timeout: 20_000 });
      const { server, url } = await listenMetrics([tree.dir], { port: 0 });
      t.after(() => new Promise((resolve) => server.close(resolve)));
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

      const metrics = await fetch(`${url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const families = parsePrometheusText(await metrics.text());
      assert.equal(sampleOf(families, 'runit_service_up', 'fragile'), 1);
      assert.equal(sampleOf(families, 'runit_service_up', 'idle'), 0);
      assert.ok(sampleOf(families, 'runit_service_memory_bytes', 'fragile')! > 0);
      assert.equal(sampleOf(families, 'runit_service_restarts_total', 'fragile'), kind === 'real runit' ? undefined : 0);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);

      writeFileSync(join(tree.dir, 'stop-fragile'), '');
      await fragile.term();
      await waitFor('health to say 503', async () => (await fetch(`${url}/healthz`)).status === 503, { timeout: 10_000, interval: 20 });
      const body = (await (await fetch(`${url}/healthz`)).json()) as { failing: Array<{ service: string }> };
      assert.deepEqual(body.failing.map((entry) => entry.service), ['fragile']);
      rmSync(join(tree.dir, 'stop-fragile'));
      await waitFor('health back to 200', async () => (await fetch(`${url}/healthz`)).status === 200, { timeout: 20_000, interval: 50 });
      if (kind !== 'real runit') {
        const after = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
        assert.ok(sampleOf(after, 'runit_service_restarts_total', 'fragile')! >= 1);
        // TERM ended the first run; the run after it exits 1 unless the file was gone by then.
        const code = sampleOf(after, 'runit_service_last_exit_code', 'fragile');
        const signal = sampleOf(after, 'runit_service_last_exit_signal', 'fragile');
        assert.ok(code === 1 || signal === 15, `last exit: code ${code}, signal ${signal}`);
      }
      assert.equal((await fetch(`${url}/nothing`)).status, 404);
      assert.equal((await fetch(`${url}/metrics`, { method: 'POST' })).status, 405);
    });
  });
}

test('node-runit metrics --port 0 prints where it listens and stops on SIGTERM', { timeout: 30_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { one: {} });
  const child = spawn(ourBin('node-runit'), ['metrics', '--port', '0', tree.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const url = await waitFor('the listening line', () => /metrics on (http:\S+)\/metrics/.exec(err)?.[1]);
  const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
  assert.ok(families.has('runit_service_up'));
  child.kill('SIGTERM');
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 0);
});

/** A port free a moment ago: the program under test binds it itself. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('runsvdir --in-process and the runit init serve the metrics themselves (NODE_RUNIT_METRICS)', { timeout: 60_000 }, async (t) => {
  const { makeTreeRoot, startRunsvdirTree } = await import('../../helpers/runsvdir-tree.js');
  const { makeService, writeScript } = await import('../../helpers/service-dir.js');
  const { mkdirSync } = await import('node:fs');
  for (const program of ['runsvdir', 'runit'] as const) {
    const root = makeTreeRoot();
    const dir = join(root, 'service');
    makeService(join(dir, 'one'));
    const stages = join(root, 'stages');
    mkdirSync(stages);
    for (const stage of ['1', '3']) writeScript(join(stages, stage), 'exit 0');
    const port = await freePort();
    const args = program === 'runsvdir' ? [ourBin('runsvdir'), '--in-process', dir] : [ourBin('runit'), '-s', stages, dir];
    const tree = startRunsvdirTree(t, process.execPath, args, { ...process.env, NODE_RUNIT_METRICS: `127.0.0.1:${port}` }, root);
    const families = await waitFor(`${program}'s metrics with one running`, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      if (response?.status !== 200) return undefined;
      const parsed = parsePrometheusText(await response.text());
      return sampleOf(parsed, 'runit_service_up', 'one') === 1 ? parsed : undefined;
    }, { timeout: 20_000, interval: 100 });
    assert.equal(sampleOf(families, 'runit_service_restarts_total', 'one'), 0);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    await tree.stopTree(program === 'runit' ? 'SIGTERM' : 'SIGHUP');
  }
});
