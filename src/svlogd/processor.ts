/**
 * The processor (SVL-17, SVL-18): after a rotation to `@X.u`, `/bin/sh -c CMD` runs in the log
 * directory with `@X.u` on fd 0, `@X.t` on fd 1, `state` on fd 4 and `newstate` on fd 5. When it
 * succeeds `@X.t` becomes `@X.s`; when it fails it runs again on the same input.
 */
import { spawnTracked } from '../sys/spawned.js';
import {
  closeQuietly,
  codeOf,
  errorMessage,
  info,
  PAUSE_MILLIS,
  retry,
  warn,
  type SvlogdContext,
} from './context.js';
import { READ_OPEN, TRUNC_OPEN, type LogDir } from './logdir.js';

export interface RunningProcessor {
  /** The `@X.u` file being processed. */
  readonly input: string;
  /** Resolves with the exit code; death by a signal counts as 0, as runit's wait_exitcode gives. */
  readonly exited: Promise<number>;
  hasExited: boolean;
}

/** runit's exit code for a processor whose set-up failed in the child. */
const SETUP_FAILED = 111;

function withSuffix(name: string, suffix: string): string {
  return `${name.slice(0, 26)}${suffix}`;
}

/** Opens the processor's descriptors; on failure says so in runit's words and returns undefined. */
function openProcessorFds(ctx: SvlogdContext, dir: LogDir, input: string): number[] | undefined {
  const opened: number[] = [];
  const step = (m0: string, open: () => number): boolean => {
    try {
      opened.push(open());
      return true;
    } catch (error) {
      ctx.writeStderr(`svlogd: fatal: ${errorMessage(m0, dir.name, error)}\n`);
      for (const fd of opened) closeQuietly(ctx, fd);
      return false;
    }
  };
  const openState = (): number => {
    try {
      return ctx.fs.openSync(dir.file('state'), READ_OPEN);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw error;
    }
    ctx.fs.closeSync(ctx.fs.openSync(dir.file('state'), TRUNC_OPEN, 0o644));
    return ctx.fs.openSync(dir.file('state'), READ_OPEN);
  };
  const ok =
    step('unable to open input for processor', () => ctx.fs.openSync(dir.file(input), READ_OPEN)) &&
    step('unable to open output for processor', () =>
      ctx.fs.openSync(dir.file(withSuffix(input, 't')), TRUNC_OPEN, 0o644),
    ) &&
    step('unable to open state for processor', openState) &&
    step('unable to open newstate for processor', () => ctx.fs.openSync(dir.file('newstate'), TRUNC_OPEN, 0o644));
  return ok ? opened : undefined;
}

/** Starts the processor on `input` (an `@X.u` name) if one is configured and none is running. */
export function startProcessor(ctx: SvlogdContext, dir: LogDir, input: string): void {
  const command = dir.config.processor;
  if (command === undefined) return;
  if (dir.processor !== undefined) {
    warn(ctx, `processor already running: ${dir.name}`);
    return;
  }
  info(ctx, `processing: ${dir.name}/${input}`);
  const running: RunningProcessor = {
    input,
    hasExited: false,
    exited: launch(ctx, dir, command, input).then((code) => {
      running.hasExited = true;
      info(ctx, 'sigchild received.');
      ctx.onProcessorExit();
      return code;
    }),
  };
  dir.processor = running;
}

function launch(ctx: SvlogdContext, dir: LogDir, command: string, input: string): Promise<number> {
  const fds = openProcessorFds(ctx, dir, input);
  // A set-up failure is a failed processor, as it is in runit's child (which exits 111).
  if (fds === undefined) return new Promise((resolve) => setImmediate(() => resolve(SETUP_FAILED)));
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawnTracked>;
    try {
      child = spawnTracked('/bin/sh', ['-c', command], {
        argv0: 'sh',
        cwd: dir.path,
        env: ctx.env,
        stdio: [fds[0], fds[1], 'inherit', 'ignore', fds[2], fds[3]],
      });
    } catch (error) {
      // runit pauses and forks again; a failed start that ends after the pause does the same.
      ctx.writeStderr(`svlogd: pausing: ${errorMessage('unable to fork for processor', dir.name, error)}\n`);
      ctx.clock.setTimer(PAUSE_MILLIS, () => resolve(SETUP_FAILED));
      return;
    } finally {
      for (const fd of fds) closeQuietly(ctx, fd);
    }
    child.once('error', (error) => {
      ctx.writeStderr(`svlogd: fatal: ${errorMessage('unable to run processor', dir.name, error)}\n`);
      resolve(SETUP_FAILED);
    });
    child.once('exit', (code) => resolve(code ?? 0));
  });
}

/**
 * Waits for the directory's processor and finishes its work. False when it failed and was
 * started again, so the caller waits once more (runit's processorstop).
 */
export async function stopProcessor(ctx: SvlogdContext, dir: LogDir): Promise<boolean> {
  const running = dir.processor;
  if (running === undefined) return true;
  const code = await running.exited;
  dir.processor = undefined;
  if (!dir.isOpen) return true;
  const { input } = running;
  const output = withSuffix(input, 't');
  if (code !== 0) {
    warn(ctx, `processor failed, restart: ${dir.name}`);
    try {
      ctx.fs.unlinkSync(dir.file(output));
    } catch {
      // runit ignores this unlink's result too
    }
    startProcessor(ctx, dir, input);
    return dir.config.processor === undefined;
  }
  const done = withSuffix(input, 's');
  await retry(ctx, 'unable to rename processed', dir.name, () => ctx.fs.renameSync(dir.file(output), dir.file(done)));
  await retry(ctx, 'unable to set mode of processed', dir.name, () => ctx.fs.chmodSync(dir.file(done), 0o744));
  try {
    ctx.fs.unlinkSync(dir.file(input));
  } catch {
    warn(ctx, `unable to unlink: ${dir.name}/${input}`);
  }
  await retry(ctx, 'unable to rename state', dir.name, () =>
    ctx.fs.renameSync(dir.file('newstate'), dir.file('state')),
  );
  info(ctx, `processed: ${dir.name}/${done}`);
  return true;
}
