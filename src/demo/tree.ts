/**
 * The demo service tree the README's first command starts, written with ServiceBuilder into a
 * DevTree: a web server, a worker that crashes every few seconds (restarts, ./finish), and a
 * ticker whose log rotates every few seconds. Each has a log service run by our svlogd.
 */
import type { DevTree } from '../client/dev-tree.js';

const WEB = `
const http = require('node:http');
const port = Number(process.argv[1]);
http.createServer((request, response) => {
  console.log(request.method, request.url);
  response.end('hello from node-runit\\n');
}).listen(port, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + port + '/'));
`;

const WORKER = 'echo "working for 3 seconds, then crashing"; sleep 3; echo "crash!" >&2; exit 1';
const TICKER = 'n=0; while :; do n=$((n+1)); echo "tick $n: a line to fill the log until it rotates"; sleep 0.2; done';

/** Builds and enables the demo services in `tree`; returns their names. */
export async function writeDemoTree(tree: DevTree, port: number): Promise<string[]> {
  await tree.ensure();
  await tree.service('web').command([process.execPath, '-e', WEB, String(port)]).log({ timestamps: 'iso' }).build();
  await tree
    .service('worker')
    .command(['/bin/sh', '-c', WORKER])
    .finish(['/bin/sh', '-c', 'echo "finish: ./run exited with $1 (signal $2); runsv restarts it"', 'finish'], { withStatus: true })
    .log({ timestamps: 'iso', prefix: 'worker: ' })
    .build();
  await tree
    .service('ticker')
    .command(['/bin/sh', '-c', TICKER])
    // A small size and count make rotation visible within seconds: ls log/main shows @*.s files.
    .log({ timestamps: 'iso', size: 2048, count: 4 })
    .build();
  const names = ['web', 'worker', 'ticker'];
  for (const name of names) await tree.enable(name);
  return names;
}
