/**
 * `npm run demo`: a DevTree in a temp dir, built with ServiceBuilder, supervised by our runsvdir
 * --in-process (services logged by our svlogd), until Ctrl-C; then runsvdir stops every service
 * and its log service in order, and the tree is removed. Needs nothing but Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStderr, writeStdout } from '../cli/output.js';
import { DevTree } from '../client/dev-tree.js';
import { pickPort } from './port.js';
import { writeDemoTree } from './tree.js';

function instructions(tree: DevTree, names: readonly string[], port: number): string {
  const sv = fileURLToPath(new URL('../../../bin/sv', import.meta.url));
  const enabled = tree.enabledDir;
  return [
    `node-runit demo: ${names.join(', ')} supervised by runsvdir --in-process in ${tree.base}`,
    '',
    'Look at it from another terminal:',
    `  ${sv} status ${enabled}/*          (runit's own sv reads the same files)`,
    `  curl http://127.0.0.1:${port}/`,
    `  tail -f ${enabled}/web/log/main/current ${enabled}/worker/log/main/current`,
    `  ls ${enabled}/ticker/log/main          (rotated @*.s files appear every few seconds)`,
    `  ${sv} down ${enabled}/worker; ${sv} up ${enabled}/worker`,
    '',
    'Ctrl-C stops every service, then its log service, and removes the tree.',
    '',
  ].join('\n');
}

export async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'node-runit-demo-'));
  const wanted = Number(process.env['DEMO_PORT'] ?? 8080);
  // Stopped by Ctrl-C below; should the demo crash instead, DevTree stops the tree on its exit.
  const tree = new DevTree(base);
  let isStopping = false;
  const stop = async (code: number): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    writeStdout('\nstopping: services first, then their log services...\n');
    try {
      await tree.stopRunsvdir();
      writeStdout('all stopped.\n');
    } catch (error) {
      writeStderr(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      code = 111;
    }
    rmSync(base, { recursive: true, force: true });
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  try {
    const { port, isPreferred } = await pickPort(wanted);
    if (!isPreferred) writeStdout(`port ${wanted} is taken; web listens on ${port} instead (set DEMO_PORT to choose)\n`);
    const names = await writeDemoTree(tree, port);
    const pid = await tree.startRunsvdir();
    writeStdout(instructions(tree, names, port));
    // runsvdir runs detached (Ctrl-C reaches only us); this keeps us alive and notices its end.
    setInterval(() => {
      if (isStopping) return;
      void tree.runsvdirPid().then((alive) => {
        if (alive !== undefined) return;
        writeStderr(`demo: runsvdir ${pid} exited; see ${join(tree.logDir, 'runsvdir.log')}\n`);
        void stop(111);
      });
    }, 1000);
  } catch (error) {
    writeStderr(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    await stop(111);
  }
}

await main();
