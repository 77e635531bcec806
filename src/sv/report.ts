/**
 * Reading and printing status the way sv 2.1.2 does: SV-5 (svstatus_get), SV-6 (the status
 * line), SV-7 (the status command, with its log quirks) and SV-8 (sending control bytes).
 */
import { errorCode, errnoText } from '../errors.js';
import { LOG, SERVICE_FILE, STATE_DOWN, STATE_FINISH, STATE_RUN, STATUS_OFFSET, STATUS_SIZE, SUPERVISE_FILE } from '../protocol/layout.js';
import { unpackStatusInto, unpackStatusLabel, type StatusRecord } from '../protocol/status.js';
import { tai64Label } from '../protocol/tai64n.js';
import { SvExit, type SvContext } from './context.js';

/** SV-5: 1 = record read, 0 = runsv not running (line printed), -1 = error (line printed). */
export function readRecord(sv: SvContext): -1 | 0 | 1 {
  try {
    sv.supervise.probe('ok');
  } catch (error) {
    if (errorCode(error) === 'ENXIO') {
      if (sv.acts[0] === 'x') sv.ok('runsv not running');
      else sv.fail('runsv not running');
      return 0;
    }
    sv.warn(`unable to open ${SUPERVISE_FILE.ok}`, errorCode(error));
    return -1;
  }
  let count: number;
  try {
    count = sv.supervise.readStatus(sv.record);
  } catch (error) {
    const what = (error as { syscall?: string }).syscall === 'read' ? 'read' : 'open';
    sv.warn(`unable to ${what} ${SUPERVISE_FILE.status}`, errorCode(error));
    return -1;
  }
  if (count !== STATUS_SIZE) {
    sv.warn(`unable to read ${SUPERVISE_FILE.status}: bad format`);
    return -1;
  }
  return 1;
}

/**
 * The record as sv last read it, decoded from the raw bytes it keeps: after a failed read they
 * are stale (or half overwritten), and 2.1.2 still prints them for the log (SV-7).
 */
export function lastRecord(sv: SvContext): StatusRecord {
  unpackStatusInto(sv.record, sv.status);
  return sv.status;
}

/** The exact TAI64 label of the last record: sv compares labels, not decoded seconds (SV-6). */
export function lastRecordLabel(sv: SvContext): bigint {
  return unpackStatusLabel(sv.record);
}


/** SV-6: appends the status line for `label`; 1 = has a pid, 2 = no pid, 0 = `down` unreadable. */
export function printRecord(sv: SvContext, label: string): 0 | 1 | 2 {
  let normallyUp: boolean;
  try {
    normallyUp = sv.supervise.isNormallyUp();
  } catch (error) {
    sv.flush2(`warning: unable to stat ${sv.service}/${SERVICE_FILE.down}: ${errnoText(errorCode(error))}\n`);
    return 0;
  }
  const { pid, state, isPaused, want, gotTerm } = lastRecord(sv);
  const word = state === STATE_DOWN ? 'down: ' : state === STATE_RUN ? 'run: ' : state === STATE_FINISH ? 'finish: ' : '';
  let text = `${word}${label}: `;
  if (state !== STATE_DOWN) text += `(pid ${pid}) `;
  const now = tai64Label(sv.nowSeconds());
  const then = lastRecordLabel(sv);
  text += `${now < then ? 0n : now - then}s`;
  if (pid !== 0 && !normallyUp) text += ', normally down';
  if (pid === 0 && normallyUp) text += ', normally up';
  if (pid !== 0 && isPaused) text += ', paused';
  if (pid === 0 && want === 'up') text += ', want up';
  if (pid !== 0 && want === 'down') text += ', want down';
  if (pid !== 0 && gotTerm) text += ', got TERM';
  sv.outs(text);
  return pid !== 0 ? 1 : 2;
}

/** SV-7 (and SV-16 for LSB exit codes). Runs with the service directory as cwd. */
export function statusCommand(sv: SvContext): number {
  const got = readRecord(sv);
  if (got === -1 && sv.lsb) throw new SvExit(4);
  if (got !== 1) return 0;
  let shown = printRecord(sv, sv.service);
  sv.isLog = true;
  let logDirOk = true;
  try {
    process.chdir(LOG);
  } catch (error) {
    logDirOk = false;
    if (errorCode(error) === 'ENOENT') {
      sv.outs('\n');
    } else {
      sv.outs('; ');
      sv.warn('unable to change directory', errorCode(error));
    }
  }
  if (logDirOk) {
    sv.outs('; ');
    // 2.1.2: an error (-1) is truthy, so the stale record is printed as the log's status.
    if (readRecord(sv) !== 0) {
      shown = printRecord(sv, 'log');
      sv.outs('\n');
    }
  }
  sv.isLog = false;
  sv.flush('');
  // 2.1.2 bug (SV-16): with a log/, the LSB exit code follows the log's line.
  if (sv.lsb) throw new SvExit(shown === 1 ? 0 : shown === 2 ? 3 : 4);
  return shown;
}

/** SV-8: -1 = failed (line printed), 0 = nothing to send, 1 = sent. */
export function sendControl(sv: SvContext, acts: string): -1 | 0 | 1 {
  if (readRecord(sv) <= 0) return -1;
  // sv compares the want byte with the command's first letter (u/d) and needs got-TERM exactly 1.
  const want = sv.record[STATUS_OFFSET.want]!;
  if (want === acts.charCodeAt(0) && (acts[0] !== 'd' || sv.record[STATUS_OFFSET.gotTerm] === 1)) return 0;
  let written: number;
  try {
    written = sv.supervise.writeControl(acts);
  } catch (error) {
    const code = errorCode(error);
    if ((error as { syscall?: string }).syscall === 'write') {
      sv.warn(`unable to write to ${SUPERVISE_FILE.control}`, code);
    } else if (code !== 'ENXIO') {
      sv.warn(`unable to open ${SUPERVISE_FILE.control}`, code);
    } else if (acts[0] === 'x') {
      sv.ok('runsv not running');
    } else {
      sv.fail('runsv not running');
    }
    return -1;
  }
  if (written !== acts.length) {
    sv.warn(`unable to write to ${SUPERVISE_FILE.control}`);
    return -1;
  }
  return 1;
}
