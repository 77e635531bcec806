/**
 * A log service run by the svlogd engine inside this process, on the log pipe the Supervisor
 * already owns, when its `log/run` is recognisably "svlogd on this pipe" (log-run-recogniser.ts).
 * Seen from outside nothing changes: `log/supervise/` is runsv's as ever, and `sv` controls it.
 *
 * Its pid is this process's: that is the process doing the logging. Signals the Supervisor
 * sends to it become the engine's methods, as svlogd's handlers would make them: TERM ends it
 * after the buffered lines are written, HUP reopens (and rereads `config`), ALRM rotates. KILL
 * and the signals svlogd has no handler for end it too, but with its lines written: nothing read
 * is lost. STOP and CONT (`sv p`/`sv c`) are accepted and do nothing. A `kill` of this pid from
 * outside reaches the whole process, not the log service: use `sv` for the log service.
 */
import { statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { getgrnamErrno, getpwnam } from '../sys/index.js';
import { engineOptionsOf, FATAL, SvlogdEngine, type SvlogdArgs } from '../svlogd/index.js';
import type { ChildExit } from './record.js';
import { recogniseLogRun } from './log-run-recogniser.js';

export { recogniseLogRun };

export interface InlineLogOptions {
  /** The log service's directory (a held path, /proc/self/fd/N). */
  root: string;
  /** What `log/run` asks for. */
  args: SvlogdArgs;
  /** `cd DIR` in log/run, relative to the log directory. */
  cwd: string | undefined;
  /** svlogd's own lines, which a standalone svlogd writes to runsv's fd 2. */
  writeLine: (line: string) => void;
  /** The account of `chpst -u`, when log/run runs svlogd as another user. */
  owner?: Owner | undefined;
  /** log/run's `umask`, applied to what the engine creates (this process's umask is shared). */
  umask?: number | undefined;
}

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * chpst -u's account: USER's uid and gid, or GROUP's gid for `USER:GROUP`. Undefined when a
 * name is unknown: then the process runs, and chpst says so in its own words.
 */
export function ownerOf(user: string): Owner | undefined {
  const [name, group] = user.split(':');
  const entry = getpwnam(name!);
  if (entry === undefined) return undefined;
  if (group === undefined) return { uid: entry.uid, gid: entry.gid };
  const { gid } = getgrnamErrno(group);
  return gid === undefined ? undefined : { uid: entry.uid, gid };
}

/**
 * Whether `owner` could create files in `dir` by its mode bits, as a svlogd running as that
 * account would need. Where it could not, the log service runs as a process, so that the
 * failure is the real one, not hidden by this process running as root.
 */
export function isWritableBy(dir: string, owner: Owner): boolean {
  let mode: number;
  let uid: number;
  let gid: number;
  try {
    ({ mode, uid, gid } = statSync(dir));
  } catch {
    return false;
  }
  if (owner.uid === 0) return true;
  const bits = owner.uid === uid ? mode >> 6 : owner.gid === gid ? mode >> 3 : mode;
  return (bits & 0o3) === 0o3;
}

/** The signals a standalone svlogd has no handler for: they end it. */
const ENDING_SIGNALS = new Set<NodeJS.Signals>(['SIGKILL', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE']);

/** Where log/run's relative directory names start: the log directory, or log/run's `cd DIR`. */
export function logBase(root: string, cwd: string | undefined): string {
  return cwd === undefined ? root : cwd.startsWith('/') ? cwd : `${root}/${cwd}`;
}

export class InlineLog {
  readonly #options: InlineLogOptions;
  #engine: SvlogdEngine | undefined;
  /** The signal that ended the engine, reported as the log service's exit. */
  #endingSignal: NodeJS.Signals | undefined;

  constructor(options: InlineLogOptions) {
    this.#options = options;
  }

  /** Starts an engine on `readFd` (which stays open: the engine reads a duplicate of it). */
  start(readFd: number, onExit: (exit: ChildExit) => void): void {
    const { args, root, cwd, writeLine } = this.#options;
    const base = logBase(root, cwd);
    const engine = new SvlogdEngine({
      ...engineOptionsOf(args),
      cwd: base,
      ...(this.#options.owner === undefined ? {} : { owner: this.#options.owner }),
      ...(this.#options.umask === undefined ? {} : { umask: this.#options.umask }),
      message: writeLine,
      stderrCopy: (bytes) => writeLine(bytes.toString('latin1')),
    });
    this.#engine = engine;
    this.#endingSignal = undefined;
    const ended = (exit: ChildExit): void => {
      if (this.#engine === engine) this.#engine = undefined;
      onExit(exit);
    };
    engine.start(readFd).then(
      (code) => {
        const signal = this.#endingSignal;
        ended(signal === undefined ? { code, signal: 0 } : { code: null, signal: osConstants.signals[signal] });
      },
      (error: unknown) => {
        writeLine(`${FATAL}${error instanceof Error ? error.message : String(error)}\n`);
        ended({ code: 111, signal: 0 });
      },
    );
  }

  signal(signal: NodeJS.Signals): void {
    const engine = this.#engine;
    if (engine === undefined) return;
    if (signal === 'SIGTERM') {
      engine.terminate();
    } else if (signal === 'SIGHUP') {
      engine.reopen();
    } else if (signal === 'SIGALRM') {
      engine.rotateAll();
    } else if (ENDING_SIGNALS.has(signal)) {
      this.#endingSignal ??= signal;
      engine.terminate();
    }
  }
}
