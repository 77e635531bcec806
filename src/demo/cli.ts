/**
 * `npm run demo`: a small service tree supervised in this process by our runsv, in a temp dir,
 * until Ctrl-C; then every service and log service is stopped in order and the dir removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStdout } from '../cli/output.js';
import { startSupervisor, type RunningSupervisor } from '../runsv/index.js';
import { writeDemoTree } from './tree.js';

export async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'node-runit-demo-'));
  const port = Number(process.env['DEMO_PORT'] ?? 8080);
  const supervisors: RunningSupervisor[] = [];
  for (const dir of writeDemoTree(root, port)) supervisors.push(await startSupervisor(dir));
  const sv = fileURLToPath(new URL('../../../bin/sv', import.meta.url));
  writeStdout(
    [
      `node-runit demo: ${supervisors.length} services supervised in ${root}`,
      '',
      'Look at it from another terminal:',
      `  ${sv} status ${root}/*          (or runit's own sv: they read the same files)`,
      `  tail -f ${root}/*/log/main/current`,
      `  curl http://127.0.0.1:${port}/`,
      `  ${sv} down ${root}/ticker; ${sv} up ${root}/ticker`,
      '',
      'Ctrl-C stops every service, then its log service, and removes the tree.',
      '',
    ].join('\n'),
  );
  let isStopping = false;
  const stop = async (): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    writeStdout('\nstopping: services first, then their log services...\n');
    for (const supervisor of supervisors) supervisor.terminate();
    await Promise.all(supervisors.map((s) => s.exited));
    rmSync(root, { recursive: true, force: true });
    writeStdout('all stopped.\n');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
}

await main();
