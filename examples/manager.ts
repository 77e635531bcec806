/**
 * A Manager controls several services at once; one that is not supervised fails on its own
 * (an OpError with a code) while the others succeed.
 *
 *   node dist/examples/manager.js [tree-dir]
 */
import { join } from 'node:path';
import { Manager, ManagerError } from '../src/index.js';
import { withTree } from './example-tree.js';

await withTree(
  async (tree) => {
    for (const name of ['a', 'b', 'c']) await tree.service(name).command(['sleep', '1000']).down().build();
    return ['a', 'b', 'c'];
  },
  async (tree, services) => {
    const manager = new Manager({ concurrency: 2, timeout: 10_000 });
    // The services are built down: wait until runsvdir supervises them (down) before controlling.
    await manager.waitFor(services, 'down');
    await manager.up(services);
    await manager.waitFor(services, 'run');
    console.log(`up: ${services.map((s) => s.slice(tree.enabledDir.length + 1)).join(' ')}`);

    const ghost = join(tree.base, 'ghost');
    try {
      await manager.status([...services, ghost]);
    } catch (error) {
      if (!(error instanceof ManagerError)) throw error;
      console.log(`status: ${error.results.size} read`);
      for (const failure of error.errors) console.log(`failed: ghost: ${failure.code}`);
    }

    await manager.down(services);
    await manager.waitFor(services, 'down');
    console.log(`down: ${services.map((s) => s.slice(tree.enabledDir.length + 1)).join(' ')}`);
  },
);
