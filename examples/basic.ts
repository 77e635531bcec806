/**
 * One service in a DevTree, looked at and controlled through a Client, as `sv` would.
 *
 *   node dist/examples/basic.js [tree-dir]
 */
import { Client } from '../src/index.js';
import { withTree } from './example-tree.js';

await withTree(
  async (tree) => {
    await tree.service('web').command(['sleep', '1000']).log({ timestamps: 'iso' }).build();
    return ['web'];
  },
  async (_tree, [service]) => {
    // waitFor waits for runsvdir to pick the service up, then for the state.
    const web = new Client(service!);
    let status = await web.waitFor('run', 10_000);
    console.log(`web: run (pid ${status.pid}), normally ${status.normallyUp ? 'up' : 'down'}, log: ${status.log?.state}`);
    await web.down();
    status = await web.waitFor('down', 10_000);
    console.log(`web: down, want ${status.want}`);
    await web.up();
    status = await web.waitFor('run', 10_000);
    console.log(`web: run (pid ${status.pid}) again`);
  },
);
