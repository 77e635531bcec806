/**
 * The demo service tree the README's first command starts: a web server with a log service, a
 * ticker, and a worker that crashes every few seconds to show restarts and finish.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DemoService {
  run: string;
  finish?: string;
  logRun?: string;
}

const LOGGER = 'exec sh -c \'mkdir -p main; while IFS= read -r line; do printf "%s %s\\n" "$(date +%FT%T)" "$line" >> main/current; done\'';

function demoServices(port: number): Record<string, DemoService> {
  return {
    web: {
      run: [
        'exec 2>&1',
        `exec node -e "require('node:http').createServer((q, r) => { console.log(q.method, q.url); r.end('hello from node-runit\\\\n'); }).listen(${port}, '127.0.0.1', () => console.log('listening on http://127.0.0.1:${port}/'))"`,
      ].join('\n'),
      logRun: LOGGER,
    },
    ticker: {
      run: 'exec 2>&1\nwhile :; do echo "tick"; sleep 2; done',
      logRun: LOGGER,
    },
    crasher: {
      run: 'exec 2>&1\necho "working for 3 seconds, then crashing"\nsleep 3\nexit 1',
      finish: 'echo "finish: run exited with $1 $2; runsv restarts it"',
      logRun: LOGGER,
    },
  };
}

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Writes the demo tree under `root`; returns the service directories. */
export function writeDemoTree(root: string, port: number): string[] {
  return Object.entries(demoServices(port)).map(([name, service]) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeScript(join(dir, 'run'), service.run);
    if (service.finish !== undefined) writeScript(join(dir, 'finish'), service.finish);
    if (service.logRun !== undefined) {
      mkdirSync(join(dir, 'log'), { recursive: true });
      writeScript(join(dir, 'log/run'), service.logRun);
    }
    return dir;
  });
}
