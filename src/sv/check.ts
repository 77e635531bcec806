/**
 * The conditions sv waits for (SV-11) and the `check` script (SV-13), in 2.1.2's semantics.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { errnoCode } from '../client/supervise-io.js';
import { errnoText } from '../errors.js';
import type { SvContext } from './context.js';
import { nowLabel, printRecord, readRecord, recordLabel, recordPid } from './report.js';

/**
 * SV-13: passes when `check` is absent or exits 0. sv execs it with fd 1 closed; Node cannot
 * hand a child a closed descriptor, so its stdout is /dev/null here.
 */
export function runCheckScript(sv: SvContext): boolean {
  try {
    statSync('check');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return true;
    sv.flush2(`warning: unable to stat ${sv.service}/check: ${errnoText(errnoCode(error))}\n`);
    return false;
  }
  const result = spawnSync('./check', [], { stdio: ['inherit', 'ignore', 'inherit'], argv0: './check' });
  if (result.error !== undefined) {
    // sv's child prints this and exits 0 after a failed exec, so the check passes.
    sv.flush2(`warning: unable to run ${sv.service}/check: ${errnoText(errnoCode(result.error))}\n`);
    return true;
  }
  // A signal death reads as exit code 0 through wait_exitcode, so it passes too.
  return (result.status ?? 0) === 0;
}

/** SV-11: 1 = all conditions hold (ok: line printed), 0 = keep waiting, -1 = give up. */
export function checkConditions(sv: SvContext, acts: string): -1 | 0 | 1 {
  const got = readRecord(sv);
  if (got === -1) return -1;
  const record = sv.record;
  const start = nowLabel(Math.floor(sv.startMillis / 1000));
  for (const letter of acts) {
    if (got === 0) return letter === 'x' ? 1 : -1;
    const pid = recordPid(record);
    switch (letter) {
      case 'x':
        return 0;
      case 'u':
        if (pid === 0 || record[19] !== 1) return 0;
        if (!runCheckScript(sv)) return 0;
        break;
      case 'd':
        if (pid !== 0 || record[19] !== 0) return 0;
        break;
      case 'C':
        if (pid !== 0 && !runCheckScript(sv)) return 0;
        break;
      case 't':
      case 'k':
        if (pid === 0 && record[17] === 0x64) break;
        if (start > recordLabel(record) || pid === 0 || record[18] !== 0 || !runCheckScript(sv)) return 0;
        break;
      case 'o':
        if ((pid === 0 && start > recordLabel(record)) || (pid !== 0 && record[17] !== 0x64)) return 0;
        break;
      case 'p':
        if (pid !== 0 && record[16] === 0) return 0;
        break;
      case 'c':
        if (pid !== 0 && record[16] !== 0) return 0;
        break;
      default:
        break;
    }
  }
  sv.outs('ok: ');
  printRecord(sv, sv.service);
  sv.flush('\n');
  return 1;
}
