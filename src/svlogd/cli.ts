/**
 * `svlogd [-tttvT] [-r c] [-R xyz] [-l len] [-b buflen] dir ...`: a thin shell over the engine.
 * Signals map to engine methods (HUP reopen, ALRM rotate, TERM terminate); messages and exit
 * codes are runit's (SVL-21, SVL-22).
 */
import { getoptErrorLine } from '../cli/getopt.js';
import { invokedAs, programName, usageText, writeAll, writeStderr } from '../cli/output.js';
import { showProcessTitle, titleOf } from '../cli/process-name.js';
import { errorText } from '../errors.js';
import { SvlogdEngine } from './engine.js';
import { FATAL, INFO, SvlogdFatalError } from './jobs.js';
import { parseArgs, stampFormatOf, SVLOGD_VERSION, USAGE_TAIL } from './options.js';

const EXIT_FATAL = 111;

export function main(argv: readonly string[]): void {
  const argv0 = invokedAs();
  const parsed = parseArgs(argv);
  if (parsed.kind === 'usage') {
    if (parsed.getoptError !== undefined) writeStderr(getoptErrorLine(programName(argv0), parsed.getoptError));
    if (parsed.isVersion === true) writeStderr(`${SVLOGD_VERSION}\n`);
    writeStderr(usageText(argv0, USAGE_TAIL));
    process.exit(EXIT_FATAL);
  }
  const { args } = parsed;
  showProcessTitle('svlogd', titleOf('svlogd', argv));
  try {
    process.cwd();
  } catch (error) {
    writeStderr(`${FATAL}unable to open current working directory: ${errorText(error)}\n`);
    process.exit(EXIT_FATAL);
  }
  const engine = new SvlogdEngine({
    dirs: args.dirs,
    stamp: stampFormatOf(args),
    verbose: args.verbose,
    replaceChar: args.replaceChar,
    replaceExtra: args.replaceExtra,
    lineMax: args.lineMax,
    message: writeStderr,
    stderrCopy: (bytes) => writeAll(2, bytes),
  });
  const notice = (text: string): void => {
    if (args.verbose) writeStderr(`${INFO}${text}\n`);
  };
  process.on('SIGTERM', () => {
    notice('sigterm received.');
    engine.terminate();
  });
  process.on('SIGALRM', () => {
    notice('sigalarm received.');
    engine.rotateAll();
  });
  process.on('SIGHUP', () => {
    notice('sighangup received.');
    engine.reopen();
  });
  engine.start(0).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const text = error instanceof SvlogdFatalError ? error.message : `unexpected error: ${String(error)}`;
      writeStderr(`${FATAL}${text}\n`);
      process.exit(EXIT_FATAL);
    },
  );
}
