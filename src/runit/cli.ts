/**
 * runit [-p] [-s stagedir] [-g seconds] [dir]: the container init. The stages are init.ts's; here
 * the process becomes an init (subreaper, reaper, fault wall, stop signals), and the outcome
 * becomes the exit code.
 */
import { getopt, getoptErrorLine } from '../cli/getopt.js';
import { answerHelpOrVersion } from '../cli/help.js';
import { openDiagnostics } from '../cli/diagnostics.js';
import { invokedName, usageText, writeStderr } from '../cli/output.js';
import { showProcessTitle, titleOf } from '../cli/process-name.js';
import { releaseStartupPagesWhenQuiet } from '../cli/startup-pages.js';
import { errorText } from '../errors.js';
import { installFaultWall } from '../runsvdir/index.js';
import { setChildSubreaper } from '../sys/index.js';
import { receivedArgs } from '../sys/received.js';
import { runInit, StopRequest, type InitOptions, type InitOutcome } from './init.js';
import { startReaper } from './reaper.js';
import { chooseStages } from './stage-choice.js';

/** The init's exit codes (docs/runit.md). */
const EXIT_CLEAN = 0;
const EXIT_KILLED = 1;
const EXIT_STAGE_FAILED = 2;
const EXIT_USAGE = 100;
const EXIT_FATAL = 111;

const DEFAULT_GRACE_SECONDS = 7;
/** runit's text on stderr, or JSON lines when NODE_RUNIT_DIAGNOSTICS=json (set in main). */
let writeLine: (line: string) => void = writeStderr;
const warn = (text: string): void => writeLine(`runit: warning: ${text}\n`);

function parseOptions(args: readonly string[]): InitOptions {
  const name = invokedName();
  const parsed = getopt(args, 'ps:g:');
  const usage = (): never => {
    writeStderr(usageText(name, USAGE_TAIL));
    process.exit(EXIT_USAGE);
  };
  if (parsed.error !== undefined) {
    writeStderr(getoptErrorLine(name, parsed.error));
    usage();
  }
  let graceSeconds = Number(process.env['RUNIT_GRACE'] ?? DEFAULT_GRACE_SECONDS);
  // An empty RUNIT_STAGE_DIR asks for nothing.
  let askedStageDir = process.env['RUNIT_STAGE_DIR'] || undefined;
  let isInProcess = true;
  for (const option of parsed.options) {
    if (option.letter === 'p') isInProcess = false;
    if (option.letter === 's') askedStageDir = option.value ?? askedStageDir;
    if (option.letter === 'g') graceSeconds = Number(option.value);
  }
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0 || parsed.operands.length > 1) usage();
  const choice = chooseStages({ askedStageDir, serviceDir: parsed.operands[0], isPid1: process.pid === 1 });
  if ('refusal' in choice) {
    writeStderr(`runit: fatal: ${choice.refusal}\n`);
    process.exit(EXIT_FATAL);
  }
  return { ...choice, graceMillis: graceSeconds * 1000, isInProcess };
}

/** NODE_RUNIT_METRICS=[HOST:]PORT: stage 2's tree's metrics from the init itself (docs/node-runit.md). */
async function serveMetrics(dir: string | undefined): Promise<void> {
  const spec = process.env['NODE_RUNIT_METRICS'];
  if (spec === undefined || spec === '' || dir === undefined) return;
  // Loaded only when asked: a tree without metrics pays nothing for them.
  const { serveTreeMetricsOrWarn } = await import('../node-runit/serve-metrics.js');
  await serveTreeMetricsOrWarn([dir], spec, warn);
}

function exitCode(outcome: InitOutcome): number {
  if (outcome.isFatal) return EXIT_FATAL;
  return outcome.isStageFailed ? EXIT_STAGE_FAILED : outcome.killed > 0 ? EXIT_KILLED : EXIT_CLEAN;
}

const USAGE_TAIL = '[-p] [-s stagedir] [-g seconds] [dir]';
const HELP_NOTES = [
  'dir          the service tree for stage 2, hosted in this process (default /etc/service)',
  '-p           one runsv process per service instead',
  '-s stagedir  where stages 1, 2 and 3 are (default /etc/runit, or $RUNIT_STAGE_DIR)',
  '-g seconds   the grace period before KILL on the way out (default 7, or $RUNIT_GRACE)',
];

export async function main(argv: readonly string[]): Promise<void> {
  answerHelpOrVersion(argv, () => ({ name: invokedName(), synopsis: USAGE_TAIL, notes: HELP_NOTES }));
  // The service directory's name is bytes, and may not be UTF-8 (sys/byte-names.ts).
  const args = receivedArgs(argv);
  const options = parseOptions(args);
  writeLine = await openDiagnostics(process.env);
  showProcessTitle('runit', titleOf('runit', args));
  if (process.pid !== 1) {
    try {
      setChildSubreaper();
    } catch (error) {
      warn(`unable to become a subreaper: ${errorText(error)}`);
    }
  }
  installFaultWall(warn);
  startReaper();
  // PID 1 ignores every signal it has no handler for: these are the ways to stop the init.
  await serveMetrics(options.serviceDir);
  const stop = new StopRequest();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop.request(signal));
  const outcome = await runInit(options, stop, { writeLine, onTreeStarted: () => releaseStartupPagesWhenQuiet(process.env) });
  process.exit(exitCode(outcome));
}
