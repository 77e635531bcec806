/**
 * The conditions sv waits for (SV-11) and the `check` script (SV-13), in 2.1.2's semantics.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { errorCode, errnoText } from '../errors.js';
import { SERVICE_FILE, STATE_DOWN, STATE_RUN } from '../protocol/layout.js';
import type { SvContext } from './context.js';
import { tai64Label } from '../protocol/tai64n.js';
import { resultJson } from './json.js';
import { lastRecord, lastRecordLabel, printRecord, readRecord } from './report.js';

/**
 * SV-13: passes when `check` is absent or exits 0. sv execs it with fd 1 closed; Node cannot
 * hand a child a closed descriptor, so its stdout is /dev/null here.
 */
export function runCheckScript(sv: SvContext): boolean {
  try {
    statSync(SERVICE_FILE.check);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    sv.flush2(`warning: unable to stat ${sv.service}/${SERVICE_FILE.check}: ${errnoText(errorCode(error))}\n`);
    return false;
  }
  const script = `./${SERVICE_FILE.check}`;
  const result = spawnSync(script, [], { stdio: ['inherit', 'ignore', 'inherit'], argv0: script });
  if (result.error !== undefined) {
    // sv's child prints this and exits 0 after a failed exec, so the check passes.
    sv.flush2(`warning: unable to run ${sv.service}/${SERVICE_FILE.check}: ${errnoText(errorCode(result.error))}\n`);
    return true;
  }
  // A signal death reads as exit code 0 through wait_exitcode, so it passes too.
  return (result.status ?? 0) === 0;
}

/** SV-11: 1 = all conditions hold (ok: line printed), 0 = keep waiting, -1 = give up. */
export function checkConditions(sv: SvContext, acts: string): -1 | 0 | 1 {
  const got = readRecord(sv);
  if (got === -1) return -1;
  const record = lastRecord(sv);
  const start = tai64Label(Math.floor(sv.startMillis / 1000));
  for (const letter of acts) {
    if (got === 0) return letter === 'x' ? 1 : -1;
    const { pid } = record;
    switch (letter) {
      case 'x':
        return 0;
      case 'u':
        if (pid === 0 || record.state !== STATE_RUN) return 0;
        if (!runCheckScript(sv)) return 0;
        break;
      case 'd':
        if (pid !== 0 || record.state !== STATE_DOWN) return 0;
        break;
      case 'C':
        if (pid !== 0 && !runCheckScript(sv)) return 0;
        break;
      case 't':
      case 'k':
        if (pid === 0 && record.want === 'down') break;
        if (start > lastRecordLabel(sv) || pid === 0 || record.gotTerm || !runCheckScript(sv)) return 0;
        break;
      case 'o':
        if ((pid === 0 && start > lastRecordLabel(sv)) || (pid !== 0 && record.want !== 'down')) return 0;
        break;
      case 'p':
        if (pid !== 0 && !record.isPaused) return 0;
        break;
      case 'c':
        if (pid !== 0 && record.isPaused) return 0;
        break;
      default:
        break;
    }
  }
  if (sv.json) {
    resultJson(sv, 'ok');
    return 1;
  }
  sv.outs('ok: ');
  printRecord(sv, sv.service);
  sv.flush('\n');
  return 1;
}
