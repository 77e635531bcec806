/**
 * Service trees for the extension files (docs/extensions.md), in both topologies of our
 * runsvdir: one runsv process per service (ours first in PATH) and --in-process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OUR_BIN, ourBin } from './binaries.js';
import { makeTreeRoot, pathWith, startRunsvdirTree, type RunsvdirTree } from './runsvdir-tree.js';
import { makeService, type ServiceSpec } from './service-dir.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export const TOPOLOGIES = [
  { label: 'runsv processes', extra: [] as string[] },
  { label: '--in-process', extra: ['--in-process'] },
] as const;

export type Topology = (typeof TOPOLOGIES)[number];

/** The one-line ./check with which real runit's `sv -w` waits for readiness (docs/extensions.md). */
export const READY_CHECK = 'exec test -e supervise/ready';

/** sd_notify from a shell script, the way a daemon's library sends it. */
export function notifyLine(message: string): string {
  const code = `import socket,os;s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM);s.sendto(${JSON.stringify(message)}.encode(),os.environ['NOTIFY_SOCKET'])`;
  return `/usr/bin/python3 -c "${code.replaceAll('"', '\\"')}"`;
}

export const READY_BODY = {
  /** s6: a newline on fd 3 after 1.5 s. */
  fd: 'sleep 1.5\necho >&3\nexec sleep 1000',
  /** systemd: READY=1 after 1.5 s. */
  socket: `sleep 1.5\n${notifyLine('READY=1\\nSTATUS=serving')}\nexec sleep 1000`,
} as const;

export interface ExtendedSpec extends ServiceSpec {
  /** Extension files: name → content (a name ending in `/` is a directory). */
  files?: Readonly<Record<string, string>>;
}

export function makeExtendedService(dir: string, spec: ExtendedSpec): string {
  makeService(dir, spec);
  for (const [name, content] of Object.entries(spec.files ?? {})) {
    const path = join(dir, name);
    if (name.endsWith('/')) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return dir;
}

/** A fresh tree `<root>/sv` with these services, supervised by our runsvdir in `topology`. */
export function startExtendedTree(
  t: TestContext,
  topology: Topology,
  specs: Readonly<Record<string, ExtendedSpec>>,
): { dir: string; tree: RunsvdirTree } {
  const root = makeTreeRoot();
  const dir = join(root, 'sv');
  mkdirSync(dir);
  for (const [name, spec] of Object.entries(specs)) makeExtendedService(join(dir, name), spec);
  const tree = startRunsvdirTree(
    t,
    process.execPath,
    [ourBin('runsvdir'), ...topology.extra, dir],
    { ...process.env, PATH: pathWith(OUR_BIN) },
    root,
  );
  return { dir, tree };
}
