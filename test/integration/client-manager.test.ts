// Manager over 200 services under real runsv, concurrency 8, one broken service: exactly one
// OpError, and the 199 successes are still reported.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { Manager, ManagerError, OpError } from '../../src/index.js';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { startRunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import type { ServiceSpec } from '../helpers/service-dir.js';

const COUNT = 200;

for (const supervisor of SUPERVISORS) {
  describe(`Manager against ${supervisor.name}`, { skip: NEEDS_RUNIT }, () => {
    test(`${COUNT} services, concurrency 8, one broken`, { timeout: 120_000 }, async () => {
      const specs: Record<string, ServiceSpec> = {};
      for (let i = 0; i < COUNT - 1; i++) specs[`s${String(i).padStart(3, '0')}`] = {};
      specs['broken'] = { unsupervised: true };
      const tree = await startRunsvTree(supervisor, specs);
      try {
        const services = Object.keys(specs).map((name) => join(tree.root, name));
        const broken = join(tree.root, 'broken');
        const manager = new Manager({ concurrency: 8, timeout: 20_000, retry: { attempts: 2, minDelay: 1 } });

        let inFlight = 0;
        let most = 0;
        const probed = await manager.settle('probe', services, async () => {
          most = Math.max(most, ++inFlight);
          await sleep(2);
          inFlight--;
        });
        assert.equal(most, 8, 'the concurrency limit is reached and never exceeded');
        assert.equal(probed.results.size, COUNT);

        const error = await manager.down(services).then(
          () => assert.fail('down should fail for the broken service'),
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof ManagerError);
        assert.ok(error instanceof AggregateError);
        assert.equal(error.errors.length, 1);
        const [only] = error.errors;
        assert.ok(only instanceof OpError);
        assert.deepEqual([only.op, only.service, only.code], ['down', broken, 'ERR_NOT_SUPERVISED']);
        assert.equal(error.results.size, COUNT - 1);
        assert.ok(!error.results.has(broken));

        const healthy = services.filter((service) => service !== broken);
        const down = await manager.waitFor(healthy, 'down');
        assert.equal(down.size, COUNT - 1);
        for (const status of down.values()) assert.equal(status.want, 'down');

        const settled = await manager.settle('status', services, (client) => client.status());
        assert.equal(settled.errors.length, 1);
        assert.equal(settled.results.size, COUNT - 1);
        assert.deepEqual([...settled.results.keys()], healthy, 'results keep service order');

        await manager.up(healthy);
        const up = await manager.waitFor(healthy, 'run');
        assert.equal([...up.values()].filter((status) => status.pid > 0).length, COUNT - 1);
      } finally {
        await tree.cleanup();
      }
    });

    test('per-operation timeout becomes an OpError with ERR_TIMEOUT', async () => {
      const tree = await startRunsvTree(supervisor, { slow: {} });
      try {
        const manager = new Manager({ timeout: 200 });
        const settled = await manager.settle('wait', [join(tree.root, 'slow')], (client, signal) =>
          client.waitFor('down', 60_000, { signal }),
        );
        assert.equal(settled.errors.length, 1);
        assert.equal(settled.errors[0]?.code, 'ERR_TIMEOUT');
      } finally {
        await tree.cleanup();
      }
    });
  });
}
