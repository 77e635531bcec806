/**
 * `svlogd [-tttvT] [-r c] [-R xyz] [-l len] [-b buflen] dir ...`: a thin shell over the engine.
 * Signals map to engine methods (HUP reopen, ALRM rotate, TERM terminate); messages and exit
 * codes are runit's (SVL-21, SVL-22).
 */
import { getoptErrorLine } from '../cli/getopt.js';
import { answerHelpOrVersion } from '../cli/help.js';
import { invokedName, usageText, writeAll, writeStderr } from '../cli/output.js';
import { showProcessTitle, titleOf } from '../cli/process-name.js';
import { releaseStartupPagesWhenQuiet } from '../cli/startup-pages.js';
import { errorText } from '../errors.js';
import { receivedArgs } from '../sys/received.js';
import { SvlogdEngine } from './engine.js';
import { FATAL, INFO, SvlogdFatalError } from './jobs.js';
import { engineOptionsOf, parseArgs, SVLOGD_VERSION, USAGE_TAIL } from './options.js';

const EXIT_FATAL = 111;

const HELP_NOTES = ['-T  local ISO 8601 time stamps with microseconds and UTC offset (ours)'];

export function main(argv: readonly string[]): void {
  answerHelpOrVersion(argv, () => ({ name: invokedName(), synopsis: '[-tttvT] [-r c] [-R abc] [-l len] [-b buflen] dir ...', notes: HELP_NOTES }));
  const name = invokedName();
  // Directory names are bytes and may not be UTF-8 (sys/byte-names.ts).
  const parsed = parseArgs(receivedArgs(argv));
  if (parsed.kind === 'usage') {
    if (parsed.getoptError !== undefined) writeStderr(getoptErrorLine(name, parsed.getoptError));
    if (parsed.isVersion === true) writeStderr(`${SVLOGD_VERSION}\n`);
    writeStderr(usageText(name, USAGE_TAIL));
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
    ...engineOptionsOf(args),
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
  releaseStartupPagesWhenQuiet(process.env);
  engine.start(0).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const text = error instanceof SvlogdFatalError ? error.message : `unexpected error: ${String(error)}`;
      writeStderr(`${FATAL}${text}\n`);
      process.exit(EXIT_FATAL);
    },
  );
}
