// Readiness (docs/extensions.md) through both protocols and both topologies, with real runit's
// sv driving the services through the one-line ./check, and our sv, which knows readiness by
// itself: `sv -w 5 restart` returns after readiness, not at start; status, `sv -j` and the
// Client agree; a service that never gets ready times out exactly as runit's `sv -w` does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { READY_BODY, READY_CHECK, TOPOLOGIES, notifyLine, startExtendedTree } from '../helpers/extension-tree.js';
import { normaliseSv, runCommand, waitRunning } from '../helpers/sv-run.js';

const PROTOCOL_FILES = { fd: { 'notification-fd': '3\n' }, socket: { 'notify-socket': '' } } as const;

async function timedRestart(sv: string, dir: string): Promise<{ millis: number; stdout: string; code: number | null }> {
  const started = Date.now();
  const result = await runCommand(sv, ['-w', '5', 'restart', dir]);
  return { millis: Date.now() - started, stdout: result.stdout, code: result.code };
}

for (const topology of TOPOLOGIES) {
  describe(`readiness, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 90_000 }, () => {
    test('ready after 1.5 s through each protocol: sv -w 5 restart returns after readiness; status, sv -j and Client agree', async (t) => {
      const { dir } = startExtendedTree(t, topology, {
        'fd-check': { run: READY_BODY.fd, check: READY_CHECK, files: PROTOCOL_FILES.fd },
        'socket-check': { run: READY_BODY.socket, check: READY_CHECK, files: PROTOCOL_FILES.socket },
        fd: { run: READY_BODY.fd, files: PROTOCOL_FILES.fd },
        socket: { run: READY_BODY.socket, files: PROTOCOL_FILES.socket },
      });
      for (const name of ['fd-check', 'socket-check', 'fd', 'socket']) await waitRunning(join(dir, name));
      // Real sv waits through ./check; ours waits by itself (and runs ./check too where it exists).
      const runs = [
        { sv: realBin('sv'), name: 'fd-check' },
        { sv: realBin('sv'), name: 'socket-check' },
        { sv: ourBin('sv'), name: 'fd' },
        { sv: ourBin('sv'), name: 'socket' },
      ];
      for (const { sv, name } of runs) {
        const service = join(dir, name);
        const { millis, stdout, code } = await timedRestart(sv, service);
        t.diagnostic(`${sv} -w 5 restart ${name}: ${millis} ms`);
        assert.equal(code, 0, `${sv} ${name}: ${stdout}`);
        assert.match(stdout, new RegExp(`^ok: run: ${service}: \\(pid \\d+\\) \\d+s\\n$`));
        assert.ok(millis >= 1400, `${sv} returned after ${millis} ms, before the service was ready`);

        const client = new Client(service);
        const status = await client.status();
        assert.equal(status.ready, true, name);
        assert.ok(status.readySince !== undefined && status.readySince.getTime() - status.since.getTime() >= 1400, 'ready 1.5 s after start');
        const json = JSON.parse((await runCommand(ourBin('sv'), ['-j', 'status', service])).stdout) as Record<string, unknown>;
        assert.equal(json['ready'], true);
        assert.equal(json['readySince'], status.readySince.toISOString());
        assert.equal(json['pid'], status.pid);
        if (name.startsWith('socket')) assert.equal(json['statusText'], 'serving');
        assert.equal((await client.waitReady(1000)).pid, status.pid);
      }
    });

    test('Client.waitReady and watch() see the instance become ready', async (t) => {
      const { dir } = startExtendedTree(t, topology, { fd: { run: READY_BODY.fd, files: PROTOCOL_FILES.fd } });
      const service = join(dir, 'fd');
      const client = new Client(service);
      await waitRunning(service);
      const first = await client.waitReady(10_000);
      await client.term();
      const notReady = await client.waitFor((s) => s.state === 'run' && s.ready === false && s.pid !== first.pid, 5000);
      const ready = await client.waitReady(5000);
      assert.equal(ready.pid, notReady.pid);
      assert.ok(ready.readySince !== undefined);
      const seen: (boolean | undefined)[] = [];
      const controller = new AbortController();
      for await (const status of client.watch({ signal: controller.signal })) {
        seen.push(status.ready);
        if (seen.length === 1) await client.term();
        if (seen.length > 1 && status.ready === true) controller.abort();
      }
      assert.deepEqual([seen[0], seen.includes(false), seen.at(-1)], [true, true, true]);
    });

    test('never ready: sv -w 1 times out with runit\'s line and exit code, ours as real sv with ./check', async (t) => {
      const { dir } = startExtendedTree(t, topology, {
        never: { run: 'exec sleep 1000', check: READY_CHECK, files: PROTOCOL_FILES.fd },
      });
      const service = join(dir, 'never');
      await waitRunning(service);
      const real = await runCommand(realBin('sv'), ['-w', '1', 'restart', service]);
      const ours = await runCommand(ourBin('sv'), ['-w', '1', 'restart', service]);
      assert.equal(real.code, 1);
      assert.match(real.stdout, new RegExp(`^timeout: run: ${service}: \\(pid \\d+\\) \\d+s\\n$`));
      assert.deepEqual({ code: ours.code, stdout: normaliseSv(ours.stdout) }, { code: real.code, stdout: normaliseSv(real.stdout) });
      const status = await new Client(service).status();
      assert.equal(status.ready, false);
    });
  });
}

for (const topology of TOPOLOGIES) {
  test(`watchdog: pings keep it alive, silence gets SIGABRT and a restart (${topology.label})`, { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
    // READY=1, then WATCHDOG=1 every 200 ms five times (while WATCHDOG_USEC says 600000), then silence.
    const ping = notifyLine('WATCHDOG=1');
    const run = `[ "$WATCHDOG_USEC" = 600000 ] || exit 7\n${notifyLine('READY=1')}\nfor i in 1 2 3 4 5; do sleep 0.2; ${ping}; done\nexec sleep 1000`;
    const { dir, tree } = startExtendedTree(t, topology, { dog: { run, files: { 'notify-socket': '', watchdog: '600\n' } } });
    const service = join(dir, 'dog');
    const client = new Client(service);
    await waitRunning(service);
    const first = await client.waitReady(10_000);
    const next = await client.waitFor((s) => s.state === 'run' && s.pid !== first.pid, 10_000);
    const lived = next.since.getTime() - first.since.getTime();
    t.diagnostic(`first instance lived ${lived} ms`);
    assert.ok(lived >= 1000 + 600 - 100, `killed after ${lived} ms, before its pings stopped`);
    assert.match(tree.stderr(), new RegExp(`warning: watchdog timeout, sending SIGABRT to ${first.pid}\\n`));
  });
}
