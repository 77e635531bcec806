/**
 * watch(): status changes as they happen (inotify, no polling), from a service that crashes
 * every second, runs ./finish and is restarted by its supervisor.
 *
 *   node dist/examples/watch.js [tree-dir]
 */
import { Client } from '../src/index.js';
import { withTree } from './example-tree.js';

await withTree(
  async (tree) => {
    // ./finish sleeps half a second (runsv's exit-code and signal arguments are not appended
    // unless asked for), so the finish state is there to be seen between runs.
    await tree.service('crasher').command(['/bin/sh', '-c', 'sleep 1; exit 3']).finish(['sleep', '0.5']).build();
    return ['crasher'];
  },
  async (_tree, [service]) => {
    const crasher = new Client(service!);
    // watch() reads a supervised directory: wait until runsvdir has started the service.
    await crasher.waitFor('run', 10_000);
    const stop = AbortSignal.timeout(15_000);
    let changes = 0;
    let runs = 0;
    for await (const status of crasher.watch({ signal: stop })) {
      changes += 1;
      console.log(`crasher: ${status.state}${status.pid === 0 ? '' : ` pid ${status.pid}`}`);
      if (status.state === 'run' && ++runs === 3) break;
    }
    console.log(`saw ${changes} changes`);
  },
);
