/**
 * Reading and printing status the way sv 2.1.2 does: SV-5 (svstatus_get), SV-6 (the status
 * line), SV-7 (the status command, with its log quirks) and SV-8 (sending control bytes).
 */
import { errnoCode, isNormallyUp, probeFifo, readStatusFile, writeControlFile } from '../client/supervise-io.js';
import { errnoText } from '../errors.js';
import { SvExit, type SvContext } from './context.js';

const TAI_BASE = 2n ** 62n + 10n;

/** SV-5: 1 = record read, 0 = runsv not running (line printed), -1 = error (line printed). */
export function readRecord(sv: SvContext): -1 | 0 | 1 {
  try {
    probeFifo('.', 'ok');
  } catch (error) {
    if (errnoCode(error) === 'ENXIO') {
      if (sv.acts[0] === 'x') sv.ok('runsv not running');
      else sv.fail('runsv not running');
      return 0;
    }
    sv.warn('unable to open supervise/ok', errnoCode(error));
    return -1;
  }
  let count: number;
  try {
    count = readStatusFile('.', sv.record);
  } catch (error) {
    const what = (error as { syscall?: string }).syscall === 'read' ? 'read' : 'open';
    sv.warn(`unable to ${what} supervise/status`, errnoCode(error));
    return -1;
  }
  if (count !== 20) {
    sv.warn('unable to read supervise/status: bad format');
    return -1;
  }
  return 1;
}

export function recordPid(record: Uint8Array): number {
  return (record[12]! | (record[13]! << 8) | (record[14]! << 16) | (record[15]! << 24)) >>> 0;
}

/** The TAI64 label in bytes 0-7, exact (a garbage record can hold any 64-bit value). */
export function recordLabel(record: Uint8Array): bigint {
  return new DataView(record.buffer, record.byteOffset, 8).getBigUint64(0);
}

export function nowLabel(seconds: number): bigint {
  return TAI_BASE + BigInt(seconds);
}

/** SV-6: appends the status line for `label`; 1 = has a pid, 2 = no pid, 0 = `down` unreadable. */
export function printRecord(sv: SvContext, label: string): 0 | 1 | 2 {
  let normallyUp: boolean;
  try {
    normallyUp = isNormallyUp('.');
  } catch (error) {
    sv.flush2(`warning: unable to stat ${sv.service}/down: ${errnoText(errnoCode(error))}\n`);
    return 0;
  }
  const record = sv.record;
  const pid = recordPid(record);
  const state = record[19]!;
  const word = state === 0 ? 'down: ' : state === 1 ? 'run: ' : state === 2 ? 'finish: ' : '';
  let text = `${word}${label}: `;
  if (state !== 0) text += `(pid ${pid}) `;
  const now = nowLabel(sv.nowSeconds());
  const then = recordLabel(record);
  text += `${now < then ? 0n : now - then}s`;
  if (pid !== 0 && !normallyUp) text += ', normally down';
  if (pid === 0 && normallyUp) text += ', normally up';
  if (pid !== 0 && record[16] !== 0) text += ', paused';
  if (pid === 0 && record[17] === 0x75) text += ', want up';
  if (pid !== 0 && record[17] === 0x64) text += ', want down';
  if (pid !== 0 && record[18] !== 0) text += ', got TERM';
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
    process.chdir('log');
  } catch (error) {
    logDirOk = false;
    if (errnoCode(error) === 'ENOENT') {
      sv.outs('\n');
    } else {
      sv.outs('; ');
      sv.warn('unable to change directory', errnoCode(error));
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
  const want = sv.record[17]!;
  if (want === acts.charCodeAt(0) && (acts[0] !== 'd' || sv.record[18] === 1)) return 0;
  let written: number;
  try {
    written = writeControlFile('.', acts);
  } catch (error) {
    const code = errnoCode(error);
    if ((error as { syscall?: string }).syscall === 'write') {
      sv.warn('unable to write to supervise/control', code);
    } else if (code !== 'ENXIO') {
      sv.warn('unable to open supervise/control', code);
    } else if (acts[0] === 'x') {
      sv.ok('runsv not running');
    } else {
      sv.fail('runsv not running');
    }
    return -1;
  }
  if (written !== acts.length) {
    sv.warn('unable to write to supervise/control');
    return -1;
  }
  return 1;
}
