// Restart on change (issue 21, pm2's --watch): one restart per burst of edits, none for
// node_modules or .git, and the restarts capped while the code keeps failing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, RestartOnChange, type RestartEvent } from '../../../src/index.js';
import { NEEDS_RUNIT, ourBin } from '../../helpers/binaries.js';
import { startViewTree } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';

async function runningPid(client: Client): Promise<number> {
  return waitFor('the service running', () => client.status().then((s) => (s.state === 'run' ? s.pid : undefined), () => undefined), { timeout: 20_000 });
}

test('a burst of edits is one restart; node_modules and .git are ignored', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { app: {} });
  const src = join(tree.dir, '..', 'src');
  mkdirSync(join(src, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(src, '.git'), { recursive: true });
  const client = new Client(join(tree.dir, 'app'));
  const first = await runningPid(client);
  const events: RestartEvent[] = [];
  const watcher = new RestartOnChange(client.serviceDir, { paths: [src], debounce: 200, onEvent: (event) => events.push(event) });
  t.after(() => watcher.close());
  await watcher.ready;

  for (let i = 0; i < 10; i++) {
    writeFileSync(join(src, `file${i}.js`), `// ${i}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitFor('one restart', () => watcher.restarts === 1, { timeout: 10_000 });
  const second = await waitFor('a new pid', () => client.status().then((s) => (s.state === 'run' && s.pid !== first ? s.pid : undefined)), { timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(watcher.restarts, 1, 'the burst restarted once');
  assert.equal((await client.status()).stats?.restarts, 1, "the supervisor's own count agrees");

  writeFileSync(join(src, 'node_modules', 'dep', 'index.js'), 'x\n');
  writeFileSync(join(src, '.git', 'index'), 'x\n');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(watcher.restarts, 1, 'ignored paths restart nothing');
  assert.equal((await client.status()).pid, second);
  assert.deepEqual(events.map((event) => event.type), ['restart']);
});

test('while the code keeps failing the restarts stop, and the next change tries again', { skip: NEEDS_RUNIT, timeout: 90_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { app: { run: 'if [ -e ../../src/broken ]; then exit 1; fi\nexec sleep 1000' } });
  const src = join(tree.dir, '..', 'src');
  mkdirSync(src);
  const client = new Client(join(tree.dir, 'app'));
  await runningPid(client);
  const events: RestartEvent[] = [];
  const watcher = new RestartOnChange(client.serviceDir, { paths: [src], debounce: 100, minUptime: 1500, maxFailingRestarts: 2, onEvent: (event) => events.push(event) });
  t.after(() => watcher.close());
  await watcher.ready;

  writeFileSync(join(src, 'broken'), '');
  await waitFor('the first failing run', () => watcher.failures === 1, { timeout: 15_000 });
  writeFileSync(join(src, 'still-broken.js'), '');
  await waitFor('the watcher to give up', () => events.some((event) => event.type === 'gave-up'), { timeout: 15_000 });
  const down = await client.waitFor((s) => s.state === 'down' && s.want === 'down', 10_000);
  assert.equal(down.want, 'down', "runsv's crash loop is ended too");
  assert.equal(watcher.restarts, 2);

  rmSync(join(src, 'broken'));
  await waitFor('up again after the fix', () => client.status().then((s) => s.state === 'run' && s.want === 'up'), { timeout: 15_000 });
  assert.equal(watcher.restarts, 3);
  await waitFor('the fixed run judged healthy', () => watcher.failures === 0, { timeout: 10_000 });
});

test('node-runit watch: restarts on a change, stops on SIGINT', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { app: {} });
  const src = join(tree.dir, '..', 'src');
  mkdirSync(src);
  const client = new Client(join(tree.dir, 'app'));
  const first = await runningPid(client);
  const child = spawn(ourBin('node-runit'), ['watch', '--debounce', '100', tree.dir, 'app', src], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  await waitFor('watching', () => err.includes('app: watching'), { timeout: 15_000 });
  writeFileSync(join(src, 'a.js'), '1\n');
  await waitFor('the restart line', () => err.includes('app: restart 1 after changes to'), { timeout: 10_000 });
  await waitFor('a new pid', () => client.status().then((s) => s.state === 'run' && s.pid !== first), { timeout: 10_000 });
  child.kill('SIGINT');
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 0);
});

test('DevTree.watchService: the same restart on change for a service of a DevTree', { timeout: 60_000 }, async (t) => {
  const { DevTree } = await import('../../../src/index.js');
  const { makeTempDir } = await import('../../helpers/temp-dir.js');
  const { defer } = await import('../../helpers/cleanup.js');
  const base = makeTempDir(t);
  const tree = new DevTree(join(base, 'tree'));
  defer(t, async () => void (await tree.stopRunsvdir({ timeout: 20_000 }).catch(() => undefined)));
  await tree.ensure();
  await tree.service('app').command(['sleep', '1000']).build();
  await tree.enable('app');
  await tree.startRunsvdir();
  const client = new Client(join(tree.enabledDir, 'app'));
  const first = await runningPid(client);
  const src = join(base, 'src');
  mkdirSync(src);
  const watcher = tree.watchService('app', { paths: [src], debounce: 100 });
  t.after(() => watcher.close());
  await watcher.ready;
  writeFileSync(join(src, 'main.js'), '1\n');
  await waitFor('a restart with a new pid', () => client.status().then((s) => s.state === 'run' && s.pid !== first), { timeout: 15_000 });
  assert.equal(watcher.restarts, 1);
});
