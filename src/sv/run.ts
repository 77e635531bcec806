/**
 * One sv command over its services (SV-4, SV-10): the sending pass, then, when the command
 * waits, passes 420 ms apart until every service is done or past the limit (SV-12). Synchronous
 * on purpose: sv works by chdir into each service and one short system call after another.
 */
import { errorCode } from '../errors.js';
import { checkConditions } from './check.js';
import type { Command } from './commands.js';
import type { SvContext } from './context.js';
import { resultJson, statusJson } from './json.js';
import { printRecord, readRecord, sendControl, statusCommand } from './report.js';

const POLL_MILLIS = 420;

export interface RunOptions {
  /** Where names that are not paths are looked up ($SVDIR). */
  svdir: string;
  /** Seconds to wait (-w, $SVWAIT). */
  waitLimit: number;
  /** -j: status and results as JSON lines. */
  json: boolean;
  /** The command as typed. */
  word: string;
}

/**
 * Runs `command` on each name; failures are counted in `sv.rc`. `goHome` returns to the starting
 * directory (openHome). Throws SvExit where sv ends early (fatal, LSB status).
 */
export function runCommand(
  sv: SvContext,
  command: Command,
  services: readonly string[],
  goHome: () => void,
  options: RunOptions,
): void {
  sv.acts = command.acts;
  sv.json = options.json;
  sv.commandWord = options.word;
  const enter = (name: string, sending: boolean): boolean => {
    sv.service = name;
    // SV-4 quirk: only the sending pass honours the empty-name and trailing-slash exceptions.
    const viaSvdir = name[0] !== '/' && name[0] !== '.' && (!sending || (name !== '' && !name.endsWith('/')));
    try {
      if (viaSvdir) process.chdir(options.svdir);
      process.chdir(name);
      return true;
    } catch (error) {
      sv.fail('unable to change to service directory', errorCode(error));
      return false;
    }
  };

  const names: (string | undefined)[] = [...services];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!enter(name, true)) names[i] = undefined;
    else if (!act(sv, command)) names[i] = undefined;
    goHome();
  }
  if (command.waits) waitLoop(sv, command, names, options.waitLimit, enter, goHome);
}

/** The first pass: status, or send the control bytes. False drops the service. */
function act(sv: SvContext, command: Command): boolean {
  if (command.act === 'status') {
    if (sv.json) statusJson(sv);
    else statusCommand(sv);
    return true;
  }
  if (command.act === 'control') {
    const sent = sendControl(sv, command.acts);
    if (sent !== -1 && sv.json && !command.waits) resultJson(sv, 'sent');
    return sent !== -1;
  }
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
        if (sv.json) {
          if (readRecord(sv) > 0) sv.rc++;
          resultJson(sv, command.kill ? 'kill' : 'timeout');
        } else {
          sv.outs(command.kill ? 'kill: ' : 'timeout: ');
          if (readRecordForTimeout(sv)) sv.rc++;
          sv.flush('\n');
        }
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
