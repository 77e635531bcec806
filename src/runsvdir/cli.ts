/**
 * runsvdir [-P] [--in-process] dir [log]: argument parsing by hand (RSD-1), runit's messages
 * and exit codes (RSD-9), signals (RSD-7, RSD-8).
 */
import { answerHelpOrVersion } from '../cli/help.js';
import { openDiagnostics } from '../cli/diagnostics.js';
import { invokedName, usageText, writeStderr } from '../cli/output.js';
import { showProcessTitle, titleOf } from '../cli/process-name.js';
import { releaseStartupPagesWhenQuiet } from '../cli/startup-pages.js';
import { receivedArgs } from '../sys/received.js';
import { installFaultWall } from './fault-wall.js';
import { loadStartSupervisor } from './load-supervisor.js';
import { MIN_LOG_LENGTH, startProctitleLog, type ProctitleLog } from './proctitle-log.js';
import { ServiceTree } from './tree.js';
import { holdYoungGeneration } from './young-generation.js';

export const EXIT_USAGE = 1;
export const EXIT_TERM = 0;
export const EXIT_HUP = 111;
const DEFAULT_GRACE_SECONDS = 7;

export interface RunsvdirArgs {
  isNewSession: boolean;
  isInProcess: boolean;
  /** `--no-inline-logs`: every log service as a process of its own, in process or in each runsv. */
  isNoInlineLogs: boolean;
  dir: string | undefined;
  log: string | undefined;
  /** The arguments up to `log`, as the process title shows them. */
  shown: string[];
}

/**
 * runit looks at the first argument only: `-P` sets the flag, `--...` is dropped, any other `-x`
 * is kept as the directory (RSD-1). Ours, `--in-process` and `--no-inline-logs`, may come before
 * or after it.
 */
export function parseArgs(args: readonly string[]): RunsvdirArgs {
  let index = 0;
  let isNewSession = false;
  let isInProcess = false;
  let isNoInlineLogs = false;
  let isRunitFlagSeen = false;
  for (;;) {
    const arg = args[index];
    if (arg === '--in-process') {
      isInProcess = true;
    } else if (arg === '--no-inline-logs') {
      isNoInlineLogs = true;
    } else if (!isRunitFlagSeen && arg !== undefined && arg.startsWith('-') && (arg[1] === 'P' || arg[1] === '-')) {
      isRunitFlagSeen = true;
      if (arg[1] === 'P') isNewSession = true;
    } else {
      break;
    }
    index += 1;
  }
  return { isNewSession, isInProcess, isNoInlineLogs, dir: args[index], log: args[index + 1], shown: args.slice(0, index + 1) };
}

const HELP_NOTES = [
  '--in-process  host every service\'s supervisor in this one process (ours; TERM stops the tree in order)',
  'log           a window of at least seven characters for errors, shown in the process title',
];

export async function main(args: readonly string[]): Promise<void> {
  answerHelpOrVersion(args, () => ({ name: invokedName(), synopsis: '[-P] [--in-process] dir [log]', notes: HELP_NOTES }));
  // The directory is bytes, and may not be UTF-8 (sys/byte-names.ts).
  const parsed = parseArgs(receivedArgs(args));
  const dir = parsed.dir;
  if (dir === undefined) {
    writeStderr(usageText(invokedName(), '[-P] dir'));
    process.exit(EXIT_USAGE);
  }
  const titlePrefix = titleOf('runsvdir', parsed.shown) + ' ';
  showProcessTitle('runsvdir', titlePrefix.trimEnd());
  let log: ProctitleLog | undefined;
  const writeLine = await openDiagnostics(process.env);
  // In log mode runsvdir's own lines go straight into the window, as they would through fd 2.
  const say = (line: string): void => (log === undefined ? writeLine(line) : log.append(line));
  const warn = (text: string): void => say(`runsvdir ${dir}: warning: ${text}\n`);
  const fatal = (text: string): void => say(`runsvdir ${dir}: fatal: ${text}\n`);
  if (parsed.log !== undefined) log = setUpLog(titlePrefix, parsed.log, warn);

  // A runsv process reads the opt-out from its environment (docs/runsv.md): handed down to each.
  if (parsed.isNoInlineLogs) process.env['NODE_RUNIT_INLINE_LOGS'] = '0';
  const startSupervisor = parsed.isInProcess ? await loadStartSupervisor() : undefined;
  const tree = new ServiceTree(dir, {
    startSupervisor,
    isNewSession: parsed.isNewSession,
    warn,
    fatal,
    writeDiagnostic: say,
    ...(parsed.isNoInlineLogs ? { isLogInline: false } : {}),
    onChecked: () => log?.startDots(),
  });
  if (tree.isInProcess) {
    installFaultWall(warn);
    holdYoungGeneration();
  }
  installSignals(tree, warn);
  tree.start();
  releaseStartupPagesWhenQuiet(process.env);
  await serveMetrics(dir, warn);
}

/** NODE_RUNIT_METRICS=[HOST:]PORT: the tree's metrics from this process (docs/node-runit.md). */
async function serveMetrics(dir: string, warn: (text: string) => void): Promise<void> {
  const spec = process.env['NODE_RUNIT_METRICS'];
  if (spec === undefined || spec === '') return;
  // Loaded only when asked: a tree without metrics pays nothing for them.
  const { serveTreeMetricsOrWarn } = await import('../node-runit/serve-metrics.js');
  await serveTreeMetricsOrWarn([dir], spec, warn);
}

function setUpLog(titlePrefix: string, text: string, warn: (text: string) => void): ProctitleLog | undefined {
  if (text.length < MIN_LOG_LENGTH) {
    warn('log must have at least seven characters.');
    warn('log service disabled.');
    return undefined;
  }
  try {
    return startProctitleLog(titlePrefix, text);
  } catch (error) {
    const isPipeStep = (error as { step?: string }).step !== 'dup2';
    warn(isPipeStep ? 'unable to create pipe for log.' : 'unable to set filedescriptor for log.');
    warn('log service disabled.');
    return undefined;
  }
}

function installSignals(tree: ServiceTree, warn: (text: string) => void): void {
  process.on('SIGALRM', () => tree.scanner.forceRescan());
  if (!tree.isInProcess) {
    // runit's topology: TERM leaves every runsv running; HUP TERMs them and does not wait.
    process.on('SIGTERM', () => process.exit(EXIT_TERM));
    process.on('SIGHUP', () => {
      tree.hangup();
      process.exit(EXIT_HUP);
    });
    return;
  }
  // One process cannot leave its supervisors running after it exits: TERM and HUP both stop the
  // tree in order (services, then their logs) and KILL what is left at the grace period, each
  // named, as the init names them (issue 14, fault 6).
  let isStopping = false;
  const stop = (code: number): void => {
    if (isStopping) return;
    isStopping = true;
    tree.shutdown(graceMillis()).then(
      ({ killed }) => {
        for (const name of killed) warn(`killed at the grace period: ${name}`);
        process.exit(code);
      },
      () => process.exit(code),
    );
  };
  process.on('SIGTERM', () => stop(EXIT_TERM));
  process.on('SIGHUP', () => stop(EXIT_HUP));
}

function graceMillis(): number {
  const seconds = Number(process.env['RUNSVDIR_GRACE'] ?? DEFAULT_GRACE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_GRACE_SECONDS) * 1000;
}
