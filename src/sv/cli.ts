/**
 * sv: control and report services supervised by runsv (SV-1 … SV-16), byte-compatible with
 * runit 2.1.2's sv. Synchronous on purpose: sv works by chdir into each service and one short
 * system call after another, with a 420 ms sleep between waiting passes.
 */
import { constants, openSync } from 'node:fs';
import { getopt, getoptErrorLine } from '../cli/getopt.js';
import { answerHelpOrVersion } from '../cli/help.js';
import { invokedName, usageText, writeStderr } from '../cli/output.js';
import { errorCode } from '../errors.js';
import { checkConditions } from './check.js';
import { parseCommand, type Command } from './commands.js';
import { SvContext, SvExit, scanUlong } from './context.js';
import { statusJson } from './json.js';
import { printRecord, readRecord, sendControl, statusCommand } from './report.js';

const VERSION = '$Id: 900314260c6d52c986c5357673bea2f3bd3f4698 $';
const USAGE = '[-v] [-w sec] command service ...';
const USAGE_LSB = '[-w sec] command';
const POLL_MILLIS = 420;

const HELP_NOTES = ['-j  JSON output, one object per line (ours)'];

export function main(args: readonly string[]): void {
  answerHelpOrVersion(args, () => {
    const name = invokedName();
    // Called by another name, sv is an LSB init script for the service of that name (SV-16).
    return name === 'sv'
      ? { name, synopsis: '[-v] [-j] [-w sec] command service ...', notes: HELP_NOTES }
      : { name, synopsis: USAGE_LSB, doc: 'sv.md' };
  });
  let code: number;
  try {
    code = run(args, invokedName(), process.env);
  } catch (error) {
    if (!(error instanceof SvExit)) throw error;
    code = error.code;
  }
  process.exit(code);
}

/** Runs sv with `args` (argv without argv[0]); returns the exit code or throws SvExit. */
export function run(args: readonly string[], progname: string, env: NodeJS.ProcessEnv): number {
  const lsb = progname !== 'sv';
  const usage = (): never => {
    writeStderr(usageText(progname, lsb ? USAGE_LSB : USAGE));
    throw new SvExit(lsb ? 2 : 100);
  };
  const svdir = env['SVDIR'] ?? '/etc/service/';
  let waitLimit = env['SVWAIT'] === undefined ? 7 : scanUlong(env['SVWAIT']);
  let verbose = false;
  let json = false;
  // -j is ours (JSON status); real sv rejects it, so no valid sv invocation changes meaning.
  const parsed = getopt(args, 'w:vVj');
  for (const option of parsed.options) {
    if (option.letter === 'w') waitLimit = scanUlong(option.value ?? '');
    if (option.letter === 'w' || option.letter === 'v') verbose = true;
    if (option.letter === 'j') json = true;
    if (option.letter === 'V') {
      writeStderr(`${VERSION}\n`);
      usage();
    }
  }
  if (parsed.error !== undefined) {
    writeStderr(getoptErrorLine(progname, parsed.error));
    usage();
  }
  const [action, ...rest] = parsed.operands;
  if (action === undefined) return usage();
  const names: (string | undefined)[] = lsb ? [progname] : rest;
  if (names.length === 0) usage();

  const sv = new SvContext(lsb, Date.now());
  // sv keeps "." open and fchdir()s back to it, which works even when the directory was
  // removed or renamed; /proc/self/fd/N gives Node the same without a libc call.
  let home: number;
  try {
    home = openSync('.', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return sv.fatal('unable to open current directory', errorCode(error));
  }
  let homePath: string | undefined;
  try {
    homePath = process.cwd();
  } catch {
    homePath = undefined;
  }
  const command = parseCommand(action, verbose, lsb) ?? usage();
  sv.acts = command.acts;
  sv.json = json && command.act === 'status';
  const goHome = (): void => {
    try {
      process.chdir(`/proc/self/fd/${home}`);
    } catch (error) {
      if (homePath === undefined || errorCode(error) !== 'ENOENT') return sv.fatal('unable to change to original directory', errorCode(error));
      try {
        process.chdir(homePath); // no /proc mounted
      } catch (fallbackError) {
        sv.fatal('unable to change to original directory', errorCode(fallbackError));
      }
    }
  };
  const enter = (name: string, sending: boolean): boolean => {
    sv.service = name;
    // SV-4 quirk: only the sending pass honours the empty-name and trailing-slash exceptions.
    const viaSvdir = name[0] !== '/' && name[0] !== '.' && (!sending || (name !== '' && !name.endsWith('/')));
    try {
      if (viaSvdir) process.chdir(svdir);
      process.chdir(name);
      return true;
    } catch (error) {
      sv.fail('unable to change to service directory', errorCode(error));
      return false;
    }
  };

  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!enter(name, true)) names[i] = undefined;
    else if (!act(sv, command, json)) names[i] = undefined;
    goHome();
  }
  if (command.waits) waitLoop(sv, command, names, waitLimit, enter, goHome);
  return Math.min(sv.rc, 99);
}

/** The first pass: status, or send the control bytes. False drops the service. */
function act(sv: SvContext, command: Command, json: boolean): boolean {
  if (command.act === 'status') {
    if (json) statusJson(sv);
    else statusCommand(sv);
    return true;
  }
  if (command.act === 'control') return sendControl(sv, command.acts) !== -1;
  return true;
}

/** SV-10: passes 420 ms apart until every service is done or past the limit (SV-12). */
function waitLoop(
  sv: SvContext,
  command: Command,
  names: (string | undefined)[],
  waitLimit: number,
  enter: (name: string, sending: boolean) => boolean,
  goHome: () => void,
): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const elapsed = (sv.nowMillis - sv.startMillis) / 1000;
    let done = true;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name === undefined) continue;
      let pending = enter(name, false);
      if (pending) {
        if (checkConditions(sv, command.acts) !== 0) pending = false;
        else done = false;
      }
      if (pending && elapsed > waitLimit) {
        sv.outs(command.kill ? 'kill: ' : 'timeout: ');
        if (readRecordForTimeout(sv)) sv.rc++;
        sv.flush('\n');
        if (command.kill) sendControl(sv, 'k');
        pending = false;
      }
      if (!pending) names[i] = undefined;
      goHome();
    }
    if (done) return;
    Atomics.wait(sleeper, 0, 0, POLL_MILLIS);
    sv.nowMillis = Date.now();
  }
}

function readRecordForTimeout(sv: SvContext): boolean {
  if (readRecord(sv) <= 0) return false;
  printRecord(sv, sv.service);
  return true;
}
