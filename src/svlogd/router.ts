/**
 * Sends each line where runit sends it (SVL-8, SVL-10): per directory, in command-line order,
 * the patterns pick the directory and stderr; the stderr and UDP copies are cut to the first
 * part (`...` marks a full first part); the directory gets the whole line.
 */
import { errorText } from '../errors.js';
import { WARNING, type MessageSink } from './jobs.js';
import type { LineSink } from './line-splitter.js';
import type { LogDir } from './logdir.js';
import { matchPattern } from './pattern.js';
import { makeSockaddr, sendDatagram } from './udp.js';

const PLUS = 0x2b;
const MINUS = 0x2d;
const LOWER_E = 0x65;
const NEWLINE = Buffer.from('\n');
const DOTS = Buffer.from('...');
const NO_SOCKET = Buffer.from('warning: no udp socket available: ');
const SEND_FAILED = Buffer.from('warning: failure sending through udp: ');

/** What the router remembers of one directory between lines. */
interface Route {
  readonly dir: LogDir;
  /** The stderr selection of the last line; runit keeps it even when the patterns go away. */
  matchErr: number;
  /** Whether the line being read goes to this directory (for a long line's remainder). */
  isSelected: boolean;
  /** The UDP address of an open directory's config. */
  sockaddr: Buffer | undefined;
}

export class LineRouter implements LineSink<Buffer> {
  private openRoutes: Route[] = [];
  private openLogDirs: readonly LogDir[] = [];

  private readonly routes: readonly Route[];
  private readonly lineMax: number;
  private readonly stderrCopy: (bytes: Buffer) => void;
  private readonly message: MessageSink;

  constructor(dirs: readonly LogDir[], lineMax: number, stderrCopy: (bytes: Buffer) => void, message: MessageSink) {
    this.routes = dirs.map((dir) => ({ dir, matchErr: 0, isSelected: false, sockaddr: undefined }));
    this.lineMax = lineMax;
    this.stderrCopy = stderrCopy;
    this.message = message;
  }

  /** After (re)opening: which directories take lines, and their UDP addresses. */
  refresh(): void {
    this.openRoutes = this.routes.filter((route) => route.dir.isOpen);
    this.openLogDirs = this.openRoutes.map((route) => route.dir);
    for (const route of this.openRoutes) {
      const { udpAddress, udpPort } = route.dir.config;
      route.sockaddr = udpPort === 0 ? undefined : makeSockaddr(udpAddress, udpPort);
    }
  }

  /** The directories that take lines since the last refresh(). */
  get openDirs(): readonly LogDir[] {
    return this.openLogDirs;
  }

  warnRead(error: unknown): void {
    this.message(`${WARNING}unable to read standard input: ${errorText(error)}\n`);
  }

  isFull(): boolean {
    const dirs = this.openDirs;
    for (let i = 0; i < dirs.length; i++) if (dirs[i]!.output.isFull) return true;
    return false;
  }

  line(buf: Buffer, start: number, end: number, isWhole: boolean, stamp: Buffer): void {
    const routes = this.openRoutes;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i]!;
      const dir = route.dir;
      const config = dir.config;
      let match = PLUS;
      if (config.rules.length !== 0) {
        route.matchErr = 0x45;
        for (const rule of config.rules) {
          if (!matchPattern(rule.pattern, buf, start, end - start)) continue;
          if (rule.op === PLUS || rule.op === MINUS) match = rule.op;
          else route.matchErr = rule.op;
        }
      }
      if (route.matchErr === LOWER_E) this.stderrCopy(this.copyText(stamp, config.prefix, buf, start, end, true));
      route.isSelected = match === PLUS && !config.udpOnly;
      if (match !== PLUS) continue;
      if (route.sockaddr !== undefined) this.sendUdp(dir, route.sockaddr, stamp, buf, start, end);
      if (config.udpOnly) continue;
      const out = dir.output;
      if (isWhole) {
        out.line(stamp, config.prefix, buf, start, end);
      } else {
        out.append(stamp, 0, stamp.length);
        out.append(config.prefix, 0, config.prefix.length);
        out.append(buf, start, end);
      }
    }
  }

  rest(buf: Buffer, start: number, end: number): void {
    for (const route of this.openRoutes) if (route.isSelected) route.dir.output.append(buf, start, end);
  }

  restEnd(): void {
    for (const route of this.openRoutes) if (route.isSelected) route.dir.output.newline();
  }

  /** `[stamp][prefix]FIRSTPART["..."]\n`; the dots only when `withDots` and the part is full. */
  private copyText(stamp: Buffer, prefix: Buffer, buf: Buffer, start: number, end: number, withDots: boolean): Buffer {
    const parts = [stamp, prefix, buf.subarray(start, end)];
    if (withDots && end - start === this.lineMax) parts.push(DOTS);
    parts.push(NEWLINE);
    return Buffer.concat(parts);
  }

  private sendUdp(dir: LogDir, sockaddr: Buffer, stamp: Buffer, buf: Buffer, start: number, end: number): void {
    const datagram = this.copyText(stamp, dir.config.prefix, buf, start, end, true);
    const result = sendDatagram(sockaddr, datagram);
    if (result === 'sent') return;
    const note =
      result === 'no-socket'
        ? Buffer.concat([NO_SOCKET, this.copyText(stamp, dir.config.prefix, buf, start, end, false)])
        : Buffer.concat([SEND_FAILED, datagram]);
    // The note is a line of its own in `current` (runit flushes it at once).
    dir.output.append(note, 0, note.length - 1);
    dir.output.newline();
  }
}
