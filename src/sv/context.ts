/**
 * sv's run-time state and its output primitives. Lines for stdout are buffered and written at
 * the points where sv flushes, so a line assembled in parts (`timeout: ` + status, `; ` + log
 * status) is written as sv writes it (SV-14).
 */
import { errnoText, RunitError } from '../errors.js';
import { writeAll } from '../cli/output.js';
import { SuperviseDir } from '../client/supervise-dir.js';
import { emptyStatusRecord, type StatusRecord } from '../protocol/status.js';
import { STATUS_SIZE } from '../protocol/layout.js';

/**
 * Ends sv early; cli.ts picks the exit code. Code ERR_SV_USAGE (a usage error), ERR_SV_FATAL
 * (the `fatal:` line is written), or ERR_SV_LSB_STATUS with the status command's LSB answer.
 */
export class SvExit extends RunitError {
  declare readonly code: 'ERR_SV_USAGE' | 'ERR_SV_FATAL' | 'ERR_SV_LSB_STATUS';
  /** LSB's answer to `status` (0 running, 3 not running, 4 unknown); 0 for the other codes. */
  readonly lsbStatus: number;

  /** The LSB status answer `lsbStatus` (report.ts), or with another code, its end. */
  constructor(lsbStatus: number, code: SvExit['code'] = 'ERR_SV_LSB_STATUS') {
    super(code, code === 'ERR_SV_LSB_STATUS' ? `LSB status ${lsbStatus}` : code);
    this.lsbStatus = lsbStatus;
  }

  static usage(): SvExit {
    return new SvExit(0, 'ERR_SV_USAGE');
  }

  static fatal(): SvExit {
    return new SvExit(0, 'ERR_SV_FATAL');
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
  /** The command as typed (`up`, `restart`...), for -j results. */
  commandWord = '';
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

  /** `fatal: MSG: ERR` on stderr, then ends sv (SV-15, SV-16). */
  fatal(message: string, code: string | undefined): never {
    this.flush2(`fatal: ${message}: ${errnoText(code)}\n`);
    throw SvExit.fatal();
  }

  nowSeconds(): number {
    return Math.floor(this.nowMillis / 1000);
  }
}
