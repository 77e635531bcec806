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
import { constants as osConstants } from 'node:os';
import { FATAL, SvlogdEngine, stampFormatOf, type SvlogdArgs } from '../svlogd/index.js';
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
}

/** The signals a standalone svlogd has no handler for: they end it. */
const ENDING_SIGNALS = new Set<NodeJS.Signals>(['SIGKILL', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE']);

export class InlineLog {
  readonly #options: InlineLogOptions;
  #engine: SvlogdEngine | undefined;
  /** The signal that ended the engine, reported as the log service's exit. */
  #endingSignal: NodeJS.Signals | undefined;

  constructor(options: InlineLogOptions) {
    this.#options = options;
  }

  get isRunning(): boolean {
    return this.#engine !== undefined;
  }

  /** Starts an engine on `readFd` (which stays open: the engine reads a duplicate of it). */
  start(readFd: number, onExit: (exit: ChildExit) => void): void {
    const { args, root, cwd, writeLine } = this.#options;
    const base = cwd === undefined ? root : cwd.startsWith('/') ? cwd : `${root}/${cwd}`;
    const engine = new SvlogdEngine({
      dirs: args.dirs,
      cwd: base,
      stamp: stampFormatOf(args),
      verbose: args.verbose,
      replaceChar: args.replaceChar,
      replaceExtra: args.replaceExtra,
      lineMax: args.lineMax,
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
