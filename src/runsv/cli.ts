/** runsv DIR (RSV-1, RSV-34): usage 1, start-up failure 111, 0 after the exit sequence. */
import { constants } from 'node:os';
import { answerHelpOrVersion } from '../cli/help.js';
import { invokedName, usageText, writeStderr } from '../cli/output.js';
import { showProcessTitle, titleOf } from '../cli/process-name.js';
import { releaseStartupPagesWhenQuiet } from '../cli/startup-pages.js';
import { resetSignal } from '../sys/index.js';
import { receivedArgs } from '../sys/received.js';
import { startSupervisor, SupervisorStartError, type RunningSupervisor } from './index.js';

/** runsv's exit codes (RSV-34); after the exit sequence it exits with the Supervisor's code. */
const EXIT = { usage: 1, fatal: 111 } as const;

/**
 * svlogd's own signals: sent to this pid, which is also the log service's when it runs here,
 * they mean what they mean to svlogd (reopen, rotate).
 */
const LOG_SIGNALS = ['SIGHUP', 'SIGALRM'] as const;

/**
 * Without a log service in this process, runit's runsv dies of HUP and ALRM (RSV-31): so does
 * this one, by giving the signal its default action back and raising it again.
 */
function passToInlineLog(signal: (typeof LOG_SIGNALS)[number], supervisor: RunningSupervisor): void {
  const handler = (): void => {
    if (supervisor.signalInlineLog(signal)) return;
    process.removeListener(signal, handler);
    resetSignal(constants.signals[signal]);
    process.kill(process.pid, signal);
  };
  process.on(signal, handler);
}

export async function main(args: readonly string[]): Promise<void> {
  answerHelpOrVersion(args, () => ({ name: invokedName(), synopsis: 'dir' }));
  if (args.length !== 1) {
    writeStderr(usageText(invokedName(), 'dir'));
    process.exit(EXIT.usage);
  }
  // The name as received, bytes that are not UTF-8 included: it must name the directory.
  const dir = receivedArgs(args)[0]!;
  showProcessTitle('runsv', titleOf('runsv', args));
  // runsv leaves every signal but TERM and CHLD at its inherited action (RSV-31); Node takes
  // SIGUSR1 for its debugger, so give it back its default: runsv dies of it, as runit's does.
  resetSignal(constants.signals.SIGUSR1);
  try {
    // A recognised log/run runs in this process, one Node process per logged service instead of
    // two (docs/runsv.md); NODE_RUNIT_INLINE_LOGS=0 or log/no-inline keep svlogd a process.
    const isLogInline = process.env['NODE_RUNIT_INLINE_LOGS'] !== '0';
    const supervisor = await startSupervisor(dir, { writeDiagnostic: writeStderr, isLogInline });
    process.on('SIGTERM', () => supervisor.terminate());
    if (isLogInline) for (const signal of LOG_SIGNALS) passToInlineLog(signal, supervisor);
    releaseStartupPagesWhenQuiet(process.env);
    process.exit(await supervisor.exited);
  } catch (error) {
    if (!(error instanceof SupervisorStartError)) throw error;
    writeStderr(`runsv ${dir}: fatal: ${error.message}\n`);
    process.exit(EXIT.fatal);
  }
}
