/**
 * runit [-p] [-s stagedir] [-g seconds] [dir]: the container init. Stage 1 once, stage 2 (the
 * service tree `dir`, hosted in this process, or the stage-2 script), stage 3 on the way out;
 * PID-1 duties throughout: reap orphans, stop everything in order on TERM/INT/HUP.
 */
import { statSync } from 'node:fs';
import { getopt, getoptErrorLine } from '../cli/getopt.js';
import { answerHelpOrVersion } from '../cli/help.js';
import { invokedName, usageText, writeStderr } from '../cli/output.js';
import { errorText } from '../errors.js';
import { holdYoungGeneration, installFaultWall, loadStartSupervisor, ServiceTree } from '../runsvdir/index.js';
import { setChildSubreaper } from '../sys/index.js';
import { startReaper } from './reaper.js';
import { EXIT_CLEAN, EXIT_FATAL, EXIT_KILLED, EXIT_STAGE_FAILED, EXIT_USAGE, stopDescendants } from './shutdown.js';
import {
  DEFAULT_STAGE_DIR,
  hasStage,
  isStageOneFailed,
  isStageTwoRestarted,
  stagePath,
  startStage,
  type StageResult,
} from './stages.js';

const DEFAULT_GRACE_SECONDS = 7;
const DEFAULT_SERVICE_DIR = '/etc/service';
const say = (text: string): void => writeStderr(`- runit: ${text}\n`);
const warn = (text: string): void => writeStderr(`runit: warning: ${text}\n`);

interface InitOptions {
  stageDir: string;
  graceMillis: number;
  isInProcess: boolean;
  /** The tree to host for stage 2, or undefined to run the stage-2 script. */
  serviceDir: string | undefined;
}

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
  const options: InitOptions = {
    stageDir: process.env['RUNIT_STAGE_DIR'] ?? DEFAULT_STAGE_DIR,
    graceMillis: 0,
    isInProcess: true,
    serviceDir: parsed.operands[0],
  };
  for (const option of parsed.options) {
    if (option.letter === 'p') options.isInProcess = false;
    if (option.letter === 's') options.stageDir = option.value ?? options.stageDir;
    if (option.letter === 'g') graceSeconds = Number(option.value);
  }
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0 || parsed.operands.length > 1) usage();
  options.graceMillis = graceSeconds * 1000;
  // Without a dir and without a stage-2 script, stage 2 is the tree of /etc/service.
  if (options.serviceDir === undefined && !hasStage(stagePath(options.stageDir, 2))) {
    options.serviceDir = DEFAULT_SERVICE_DIR;
  }
  return options;
}

const USAGE_TAIL = '[-p] [-s stagedir] [-g seconds] [dir]';
const HELP_NOTES = [
  'dir          the service tree for stage 2, hosted in this process (default /etc/service)',
  '-p           one runsv process per service instead',
  '-s stagedir  where stages 1, 2 and 3 are (default /etc/runit, or $RUNIT_STAGE_DIR)',
  '-g seconds   the grace period before KILL on the way out (default 7, or $RUNIT_GRACE)',
];

export async function main(args: readonly string[]): Promise<void> {
  answerHelpOrVersion(args, () => ({ name: invokedName(), synopsis: USAGE_TAIL, notes: HELP_NOTES }));
  const options = parseOptions(args);
  process.title = ['runit', ...args].join(' ');
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
  let requestStop: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (requestStop = resolve));
  let stopSignal: NodeJS.Signals | undefined;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopSignal ??= signal;
      requestStop(signal);
    });
  }

  let isStageFailed = false;
  let killedCount = 0;
  const stage1 = await runOnceStage(stagePath(options.stageDir, 1), stopRequested, options.graceMillis);
  // A stage 1 that a stop request interrupted has not failed; stage 2 is skipped all the same.
  if (stage1 !== undefined && stopSignal === undefined && isStageOneFailed(stage1.result)) isStageFailed = true;
  killedCount += stage1?.killed ?? 0;
  if (!isStageFailed && stopSignal === undefined) {
    const result = await runStageTwo(options, stopRequested, () => stopSignal !== undefined);
    if (result === undefined) process.exit(EXIT_FATAL);
    killedCount += result;
  }
  // A hosted tree is down by now: stop the stragglers before stage 3. A stage-2 script's services
  // are still up, and stage 3 is where runit expects them to be stopped (sv force-stop ...).
  const isTree = options.serviceDir !== undefined;
  if (isTree) killedCount += await stopDescendants(options.graceMillis);
  const stage3 = await runOnceStage(stagePath(options.stageDir, 3), undefined, options.graceMillis);
  if (stage3 !== undefined && stage3.result.code !== 0) isStageFailed = true;
  const left = await stopDescendants(isTree ? 1000 : options.graceMillis);
  if (!isTree) killedCount += left;
  say(`exit: ${stopSignal === undefined ? 'stage 2 ended' : `received ${stopSignal}`}.`);
  process.exit(isStageFailed ? EXIT_STAGE_FAILED : killedCount > 0 ? EXIT_KILLED : EXIT_CLEAN);
}

/** Runs stage 1 or 3 to its end; a stop request TERMs it (KILL after the grace period). */
async function runOnceStage(
  path: string,
  stopRequested: Promise<NodeJS.Signals> | undefined,
  graceMillis: number,
): Promise<{ result: StageResult; killed: number } | undefined> {
  if (!hasStage(path)) return undefined;
  say(`enter stage: ${path}`);
  const stage = startStage(path);
  let killed = 0;
  void stopRequested?.then(() => {
    stage.child.kill('SIGTERM');
    setTimeout(() => {
      if (stage.child.exitCode === null && stage.child.signalCode === null) {
        killed = 1;
        stage.child.kill('SIGKILL');
      }
    }, graceMillis).unref();
  });
  const result = await stage.done;
  say(`leave stage: ${path}`);
  return { result, killed };
}

/** Stage 2 until a stop request: returns how many services were KILLed, undefined if fatal. */
async function runStageTwo(
  options: InitOptions,
  stopRequested: Promise<NodeJS.Signals>,
  isStopping: () => boolean,
): Promise<number | undefined> {
  const dir = options.serviceDir;
  if (dir === undefined) return runStageTwoScript(options, stopRequested, isStopping);
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (error) {
    writeStderr(`runit: fatal: unable to open service directory ${dir}: ${errorText(error)}\n`);
    return undefined;
  }
  const startSupervisor = options.isInProcess ? await loadStartSupervisor() : undefined;
  if (startSupervisor !== undefined) holdYoungGeneration();
  say(`enter stage: 2 (${dir}${startSupervisor === undefined ? ', one runsv per service' : ''})`);
  const tree = new ServiceTree(dir, {
    startSupervisor,
    // As runit's own stage 2 (`runsvdir -P`): each runsv leads a session of its own, so a
    // terminal's INT or HUP reaches the init alone, which then stops the tree in order.
    isNewSession: startSupervisor === undefined,
    warn: (text) => writeStderr(`runsvdir ${dir}: warning: ${text}\n`),
    fatal: (text) => writeStderr(`runsvdir ${dir}: fatal: ${text}\n`),
    writeDiagnostic: writeStderr,
  });
  tree.start();
  const signal = await stopRequested;
  say(`received ${signal}: stopping services, grace period ${options.graceMillis / 1000} s`);
  const { killed } = await tree.shutdown(options.graceMillis);
  for (const name of killed) warn(`killed at the grace period: ${name}`);
  say('leave stage: 2');
  return killed.length;
}

/** runit's classic stage 2: the script, run again when it exits 111 or crashes. */
async function runStageTwoScript(
  options: InitOptions,
  stopRequested: Promise<NodeJS.Signals>,
  isStopping: () => boolean,
): Promise<number> {
  const path = stagePath(options.stageDir, 2);
  for (;;) {
    const outcome = await runOnceStage(path, stopRequested, options.graceMillis);
    if (outcome === undefined) return 0;
    if (isStopping() || !isStageTwoRestarted(outcome.result)) return outcome.killed;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (isStopping()) return 0;
  }
}
