/**
 * sv's run-time state and its output primitives. Lines for stdout are buffered and written at
 * the points where sv flushes, so a line assembled in parts (`timeout: ` + status, `; ` + log
 * status) is written as sv writes it (SV-14).
 */
import { errnoText } from '../errors.js';
import { writeAll } from '../cli/output.js';
import { SuperviseDir } from '../client/supervise-dir.js';
import { emptyStatusRecord, type StatusRecord } from '../protocol/status.js';
import { STATUS_SIZE } from '../protocol/layout.js';

/** Thrown to end the program with an exit code (usage, fatal, LSB status). */
export class SvExit {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

export class SvContext {
  /** fail/warning/timeout/kill events (SV-15). */
  rc = 0;
  readonly lsb: boolean;
  /** The service argument being handled, as typed (messages print it verbatim). */
  service = '';
  /** Messages say `NAME/log` while the log service is examined (SV-5). */
  isLog = false;
  /** The command's control bytes; `x…` turns "runsv not running" into ok: (SV-5). */
  acts = '';
  readonly startMillis: number;
  /** sv's idea of "now": its start, then the end of each 420 ms sleep (SV-6, SV-10). */
  nowMillis: number;
  /** The last status record read (kept between reads: the SV-7 log bug prints stale bytes). */
  readonly record = new Uint8Array(STATUS_SIZE);
  /** `record` decoded (report.ts's lastRecord refills it). */
  readonly status: StatusRecord = emptyStatusRecord();
  /** sv works inside the service directory (chdir), so its supervise/ is the current one's. */
  readonly supervise = new SuperviseDir('.');
  private pendingOut = '';

  constructor(lsb: boolean, startMillis: number) {
    this.lsb = lsb;
    this.startMillis = startMillis;
    this.nowMillis = startMillis;
  }

  outs(text: string): void {
    this.pendingOut += text;
  }

  flush(text: string): void {
    this.pendingOut += text;
    writeAll(1, this.pendingOut);
    this.pendingOut = '';
  }

  /** stderr lines are written at once (buffer_2 is flushed per line). */
  flush2(text: string): void {
    writeAll(2, text);
  }

  /** `-j` (ours): fail/warning lines become JSON objects too, so every stdout line parses. */
  json = false;

  private line(prefix: string, message: string, code: string | undefined): void {
    const error = code === undefined ? '' : `: ${errnoText(code)}`;
    const name = `${this.service}${this.isLog ? '/log' : ''}`;
    if (this.json) {
      this.flush(`${JSON.stringify({ service: name, error: { code: code ?? 'ERR_SV', message: `${message}${error}` } })}\n`);
      return;
    }
    this.flush(`${prefix}${name}: ${message}${error}\n`);
  }

  fail(message: string, code?: string): void {
    this.rc++;
    this.line('fail: ', message, code);
  }

  warn(message: string, code?: string): void {
    this.rc++;
    this.line('warning: ', message, code);
  }

  ok(message: string): void {
    this.line('ok: ', message, undefined);
  }

  /** `fatal: MSG: ERR` on stderr, exit 100 (151 in LSB mode) (SV-15, SV-16). */
  fatal(message: string, code: string | undefined): never {
    this.flush2(`fatal: ${message}: ${errnoText(code)}\n`);
    throw new SvExit(this.lsb ? 151 : 100);
  }

  nowSeconds(): number {
    return Math.floor(this.nowMillis / 1000);
  }
}

/** runit's scan_ulong: the leading decimal digits; none gives 0. */
export function scanUlong(text: string): number {
  const digits = /^[0-9]*/.exec(text)?.[0] ?? '';
  return digits === '' ? 0 : Number(digits);
}
