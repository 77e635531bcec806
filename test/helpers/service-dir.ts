/**
 * Service directories as tests write them: one spec shape for every helper that makes services
 * (a lone directory, a tree of them, a tree some runsv or runsvdir then supervises).
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Script bodies several tests share; what a test asserts depends on these exact bytes. */
export const BODY = {
  sleep: 'exec sleep 1000',
  ignoreTerm: "trap '' TERM\nexec sleep 1000",
  /** Ignores every signal sv can send except TERM/KILL/STOP/CONT, so signals never restart it. */
  stubborn: "trap '' HUP ALRM INT QUIT USR1 USR2\nexec sleep 1000",
  exit0: 'exit 0',
  exit1: 'exit 1',
} as const;

/**
 * A service directory. Scripts are `/bin/sh` bodies (see scriptText); a missing run is
 * `exec sleep 1000`, so TERM stops the service at once. The last two fields say how a tree that
 * starts one runsv per service (runsv-tree.ts) treats it; writing the directory ignores them.
 */
export interface ServiceSpec {
  run?: string;
  finish?: string;
  check?: string;
  /** A `down` file: the service is normally down. */
  down?: boolean;
  /** A log service (its run defaults like the main one), or a plain file named `log`. */
  log?: { run?: string; down?: boolean } | 'not-a-dir';
  /** control/<c> scripts. */
  hooks?: Readonly<Record<string, string>>;
  /** Do not start a runsv for it. */
  unsupervised?: boolean;
  /** The state to wait for after start (default: run unless `down`). */
  ready?: 'run' | 'down' | 'finish' | 'any';
}

/** The bytes of an `#!/bin/sh` script with this body. */
export function scriptText(body: string): string {
  return `#!/bin/sh\n${body}\n`;
}

/** Writes an executable `#!/bin/sh` script. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, scriptText(body));
  chmodSync(path, 0o755);
}

/** Writes the service directory `dir` (no supervisor started). */
export function makeService(dir: string, spec: ServiceSpec = {}): string {
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run'), spec.run ?? BODY.sleep);
  if (spec.finish !== undefined) writeScript(join(dir, 'finish'), spec.finish);
  if (spec.check !== undefined) writeScript(join(dir, 'check'), spec.check);
  if (spec.down === true) writeFileSync(join(dir, 'down'), '');
  if (spec.log === 'not-a-dir') writeFileSync(join(dir, 'log'), '');
  else if (spec.log !== undefined) {
    mkdirSync(join(dir, 'log'), { recursive: true });
    writeScript(join(dir, 'log', 'run'), spec.log.run ?? BODY.sleep);
    if (spec.log.down === true) writeFileSync(join(dir, 'log', 'down'), '');
  }
  for (const [c, body] of Object.entries(spec.hooks ?? {})) {
    mkdirSync(join(dir, 'control'), { recursive: true });
    writeScript(join(dir, 'control', c), body);
  }
  return dir;
}

/** Writes `root/<name>` for each spec. */
export function makeServices(root: string, specs: Readonly<Record<string, ServiceSpec>>): void {
  for (const [name, spec] of Object.entries(specs)) makeService(join(root, name), spec);
}

/** A symlink named `name` in `dir` pointing at `target` (LSB mode, SV-16). */
export function linkAs(dir: string, name: string, target: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  symlinkSync(target, path);
  return path;
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
