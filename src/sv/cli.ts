/**
 * sv: control and report services supervised by runsv (SV-1 … SV-16), byte-compatible with
 * runit 2.1.2's sv. This file parses the command line and picks the exit code; run.ts does the
 * work.
 */
import { getopt, getoptErrorLine } from '../cli/getopt.js';
import { invokedAs, programName, usageText, writeStderr } from '../cli/output.js';
import { scanUlong } from '../protocol/scan-ulong.js';
import { parseCommand } from './commands.js';
import { SvContext, SvExit } from './context.js';
import { openHome } from './home.js';
import { runCommand } from './run.js';

const VERSION = '$Id: 900314260c6d52c986c5357673bea2f3bd3f4698 $';
const USAGE = '[-v] [-w sec] command service ...';
const USAGE_LSB = '[-w sec] command';

/**
 * sv's exit codes (SV-15, SV-16): the number of failures up to `maxFailures`; usage and fatal
 * errors, with their LSB-mode values; LSB `status` exits with its LSB answer.
 */
const EXIT = { maxFailures: 99, usage: 100, usageLsb: 2, fatal: 100, fatalLsb: 151 } as const;

export function main(args: readonly string[]): void {
  const progname = programName(invokedAs());
  let code: number;
  try {
    code = run(args, progname, process.env);
  } catch (error) {
    if (!(error instanceof SvExit)) throw error;
    code = exitCodeOf(error, progname !== 'sv');
  }
  process.exit(code);
}

function exitCodeOf(stop: SvExit, lsb: boolean): number {
  switch (stop.code) {
    case 'ERR_SV_USAGE':
      return lsb ? EXIT.usageLsb : EXIT.usage;
    case 'ERR_SV_FATAL':
      return lsb ? EXIT.fatalLsb : EXIT.fatal;
    case 'ERR_SV_LSB_STATUS':
      return stop.lsbStatus;
  }
}

/** Runs sv with `args` (argv without argv[0]); returns the exit code or throws SvExit. */
export function run(args: readonly string[], progname: string, env: NodeJS.ProcessEnv): number {
  const lsb = progname !== 'sv';
  const usage = (): never => {
    writeStderr(usageText(progname, lsb ? USAGE_LSB : USAGE));
    throw SvExit.usage();
  };
  const svdir = env['SVDIR'] ?? '/etc/service/';
  let waitLimit = env['SVWAIT'] === undefined ? 7 : Number(scanUlong(env['SVWAIT']).value);
  let verbose = false;
  let json = false;
  // -j is ours (JSON lines); real sv rejects it, so no valid sv invocation changes meaning.
  const parsed = getopt(args, 'w:vVj');
  for (const option of parsed.options) {
    if (option.letter === 'w') waitLimit = Number(scanUlong(option.value ?? '').value);
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
  const names = lsb ? [progname] : rest;
  if (names.length === 0) usage();

  const sv = new SvContext(lsb, Date.now());
  // Before the command word is looked at, as in runit: a fatal error comes before its usage.
  const goHome = openHome(sv);
  const command = parseCommand(action, verbose, lsb) ?? usage();
  runCommand(sv, command, names, goHome, { svdir, waitLimit, json, word: action });
  return Math.min(sv.rc, EXIT.maxFailures);
}
