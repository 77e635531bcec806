/**
 * Carries out a Plan in runit's fixed order (CHP-3), then replaces this process with the program
 * (CHP-12): same pid, so a supervisor that started chpst supervises the program itself.
 */
import { constants, openSync } from 'node:fs';
import * as sys from '../sys/index.js';
import { readEnvDir } from './envdir.js';
import { ChpstFailure, LIMIT_ORDER, attempt, bytes, type EnvChange, type LimitName, type Plan } from './options.js';
import { resolveUser } from './users.js';

const RESOURCE: Readonly<Record<LimitName, number>> = {
  data: sys.RLIMIT.DATA,
  stack: sys.RLIMIT.STACK,
  memlock: sys.RLIMIT.MEMLOCK,
  as: sys.RLIMIT.AS,
  nofile: sys.RLIMIT.NOFILE,
  nproc: sys.RLIMIT.NPROC,
  fsize: sys.RLIMIT.FSIZE,
  core: sys.RLIMIT.CORE,
  rss: sys.RLIMIT.RSS,
  cpu: sys.RLIMIT.CPU,
};

const FD_NAMES = ['stdin', 'stdout', 'stderr'];
// Linux's numbers, like sys/'s: node:os would cost every call its loading.
const SIGPIPE = 13;
const SIGXFSZ = 25;
const EPERM = 1;
const ENOENT = 2;
const EACCES = 13;
const EISDIR = 21;

export interface ApplyContext {
  /**
   * chpst's environment as it started (byte strings, in order, duplicates kept), when the plan
   * changes it (changesEnvironment). Otherwise undefined, and the program gets chpst's own
   * environment block as it is, without chpst reading or copying it.
   */
  environ: readonly string[] | undefined;
  /** PATH as chpst received it (a byte string), for the program's lookup; undefined if unset. */
  path: string | undefined;
  /** The descriptors chpst inherited (cli.ts), looked at before anything changed. */
  inherited: ReadonlySet<number>;
  /** Where warnings go (cli.ts writes them to fd 2 at once). */
  warn: (line: string) => void;
  /**
   * Ends the process after a failure past the point of no return (limits set, exec failed):
   * `what` is a prepared byte string, errno the failure; must not grow the heap.
   */
  failNow: (what: Uint8Array, errno: number, isQuiet: boolean) => never;
}

/**
 * The environment the program gets (CHP-22): for each change in order, the first entry with the
 * same name is removed (the last entry moves into its place), then a `NAME=VALUE` is appended.
 */
export function applyEnvChanges(environ: readonly string[], changes: readonly EnvChange[]): string[] {
  const env = [...environ];
  for (const change of changes) {
    const equals = change.indexOf('=');
    const split = equals === -1 ? change.length : equals;
    const prefix = change.slice(0, split);
    const at = env.findIndex((entry) => entry.startsWith(prefix) && entry[split] === '=');
    if (at !== -1) {
      const last = env.pop()!;
      if (at < env.length) env[at] = last;
    }
    if (equals !== -1) env.push(change);
  }
  return env;
}

/** The first `NAME=` entry's value, as getenv finds it in the original environment. */
export function envValue(environ: readonly string[], name: string): string | undefined {
  return environ.find((item) => item.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The lowest descriptor number not inherited: where C's open() would have landed in chpst. */
export function lowestFreeFd(inherited: ReadonlySet<number>): number {
  let fd = 0;
  while (inherited.has(fd)) fd++;
  return fd;
}

/** Whether the program's environment differs from chpst's own (-e, -U and their personalities). */
export function changesEnvironment(plan: Plan): boolean {
  return plan.envDir !== undefined || plan.envUser !== undefined;
}

/** Runs the plan and execs the program; never returns, throws ChpstFailure. */
export function applyPlan(plan: Plan, context: ApplyContext): never {
  const changes: EnvChange[] = [];
  if (plan.newSession) {
    try {
      sys.setsid();
    } catch {
      // Already a group leader: chpst ignores this (CHP-13).
    }
  }
  if (plan.envDir !== undefined) {
    const warn = plan.verbose ? context.warn : undefined;
    changes.push(...readEnvDir(plan.envDir, { isSubdirFatal: plan.isSubdirFatal, warn }));
  }
  if (plan.root !== undefined) {
    attempt(() => sys.chdir(plan.root!), `unable to change directory: ${plan.root}: `);
    attempt(() => sys.chroot('.'), 'unable to change root directory: ');
  }
  if (plan.nice !== 0n) attempt(() => sys.nice(Number(BigInt.asIntN(32, plan.nice))), 'unable to set nice level: ');
  if (plan.envUser !== undefined) {
    const { uid, gids } = resolveUser(plan.envUser);
    changes.push(`GID=${gids[0]}`, `UID=${uid}`);
  }
  if (plan.setUser !== undefined) {
    // Supplementary groups first, then gid, then uid: after setuid the others are no longer allowed.
    const { uid, gids } = resolveUser(plan.setUser);
    attempt(() => sys.setgroupsForExec(gids), 'unable to setgroups: ');
    attempt(() => sys.setgidForExec(gids[0]!), 'unable to setgid: ');
    attempt(() => sys.setuidForExec(uid), 'unable to setuid: ');
  }
  if (plan.lock !== undefined) takeLock(plan.lock.path, plan.lock.wait, plan.isQuiet, context.inherited);
  for (const fd of plan.closeFds) attempt(() => sys.close(fd), `unable to close ${FD_NAMES[fd]}: `);
  // Made before the limits: once those are set the heap must not grow (see sys execveNow).
  const limits = plannedLimits(plan);
  if (context.environ === undefined && changes.length > 0) throw new Error('environment changes without the starting environment');
  const exec = prepareExec(plan, context.environ === undefined ? undefined : applyEnvChanges(context.environ, changes), context.path);
  for (const fd of context.inherited) {
    try {
      sys.setCloseOnExec(fd, false);
    } catch {
      // Closed by -0/-1/-2: nothing to hand over.
    }
  }
  sys.resetSignal(SIGPIPE);
  sys.resetSignal(SIGXFSZ);
  for (let at = 0; at < limits.length; at++) {
    const errno = sys.setrlimitNow(limits[at]!.resource, limits[at]!.native);
    if (errno !== 0) return context.failNow(SETRLIMIT_FAILED, errno, false);
  }
  return context.failNow(exec.failure, execNow(exec), plan.isQuiet);
}

const SETRLIMIT_FAILED = sys.byteArray('unable to setrlimit(): ');

/**
 * CHP-11: soft = value, or the hard limit when value is -1 or above it; the hard limit stays.
 * Read now, set later in chpst's order (CHP-3 step 9).
 */
function plannedLimits(plan: Plan): { resource: number; native: BigUint64Array }[] {
  const planned: { resource: number; native: BigUint64Array }[] = [];
  for (const name of LIMIT_ORDER) {
    const value = plan.limits.get(name);
    if (value === undefined || value < -1n) continue;
    const resource = RESOURCE[name];
    const { hard } = attempt(() => sys.getrlimitExact(resource), 'unable to getrlimit(): ');
    const soft = value < 0n || value > hard ? hard : value;
    planned.push({ resource, native: sys.nativeRlimit({ soft, hard }) });
  }
  return planned;
}

/**
 * flock on an append-opened file (GEN-6, CHP-9). The descriptor must outlive the exec, so it is
 * not close-on-exec, and it takes the number real chpst's would get: the lowest one not inherited
 * (if Node holds that number for itself, Node loses it: the exec is all that comes after).
 */
function takeLock(path: string, wait: boolean, isQuiet: boolean, inherited: ReadonlySet<number>): void {
  const fail = (what: string, error: unknown): ChpstFailure =>
    isQuiet ? ChpstFailure.quiet(error) : ChpstFailure.sys(`${what}: ${path}: `, error);
  let fd: number;
  try {
    const flags = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND | constants.O_CREAT;
    fd = openSync(bytes(path), flags, 0o600);
  } catch (error) {
    throw fail('unable to open lock', error);
  }
  try {
    sys.flock(fd, wait ? sys.LOCK_EX : sys.LOCK_EX | sys.LOCK_NB);
  } catch (error) {
    throw fail('unable to lock', error);
  }
  const target = lowestFreeFd(inherited);
  if (target < fd) {
    sys.dup2(fd, target);
    sys.close(fd);
  } else {
    sys.setCloseOnExec(fd, false);
  }
}

interface PreparedExec {
  paths: Uint8Array[];
  argv: (Uint8Array | null)[];
  /** Undefined: chpst's own environment block, handed over as it is. */
  env: (Uint8Array | null)[] | undefined;
  /** `unable to run: ARGV0: `, the name after -b (CHP-12). */
  failure: Uint8Array;
}

/** GEN-8 / CHP-12: the candidates from chpst's original PATH, argv with -b's argv0, the new env. */
function prepareExec(plan: Plan, env: string[] | undefined, path: string | undefined): PreparedExec {
  const file = plan.program[0]!;
  const argv = plan.argv0 === undefined ? plan.program : [plan.argv0, ...plan.program.slice(1)];
  const candidates = file.includes('/') ? [file] : (path ?? '/bin:/usr/bin').split(':').map((dir) => `${dir || '.'}/${file}`);
  return {
    paths: candidates.map(sys.cString),
    argv: sys.cVector(argv),
    env: env === undefined ? undefined : sys.cVector(env),
    failure: sys.byteArray(`unable to run: ${argv[0]}: `),
  };
}

/**
 * Tries each candidate: ENOENT moves on; EACCES, EPERM and EISDIR are remembered and move on;
 * anything else stops. Returns the errno to report (GEN-8). Allocation-free (see above).
 */
function execNow(exec: PreparedExec): number {
  let remembered = 0;
  let errno = 0;
  for (let at = 0; at < exec.paths.length; at++) {
    errno = sys.execveNow(exec.paths[at]!, exec.argv, exec.env);
    if (errno === ENOENT) continue;
    remembered = errno;
    if (errno !== EACCES && errno !== EPERM && errno !== EISDIR) break;
  }
  return remembered === 0 ? errno : remembered;
}
