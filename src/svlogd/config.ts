/**
 * A log directory's `config` file (SVL-4), parsed exactly as runit walks it: one line per `\n`,
 * the first byte decides, nothing is trimmed, a lone final byte without `\n` is ignored, and a
 * NUL inside a line ends it for every setting except the pattern list.
 */
import { scanUlong } from '../protocol/scan-ulong.js';

/** One pattern instruction: `op` is `+`, `-`, `e` or `E` (as a byte). */
export interface PatternRule {
  op: number;
  pattern: Buffer;
}

export interface DirConfig {
  /** Max size of `current` in bytes; 0 = never rotate by size. */
  sizeMax: number;
  /** Max number of old files (0 = unlimited). */
  countMax: number;
  /** Min number kept when the disk is full. */
  countMin: number;
  /** Rotate every N seconds (0 = off). */
  rotateSeconds: number;
  processor: string | undefined;
  /** The 4 address bytes; used when `udpPort` is not 0. */
  udpAddress: Uint8Array;
  /** The port as the 16-bit value runit stores (0 = no UDP). */
  udpPort: number;
  udpOnly: boolean;
  prefix: Buffer;
  rules: PatternRule[];
}

export function defaultConfig(): DirConfig {
  return {
    sizeMax: 1000000,
    countMax: 10,
    countMin: 10,
    rotateSeconds: 0,
    processor: undefined,
    udpAddress: new Uint8Array(4),
    udpPort: 0,
    udpOnly: false,
    prefix: Buffer.alloc(0),
    rules: [],
  };
}

/** ip4_scan: four dotted numbers, each kept modulo 256; bytes are stored as they are read. */
function scanAddress(text: Uint8Array, address: Uint8Array): number {
  let at = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text[at] !== 0x2e) return 0;
      at++;
    }
    const { value, length } = scanUlong(text, at);
    if (length === 0) return 0;
    address[part] = Number(value % 256n);
    at += length;
  }
  return at;
}

/** Only the byte right after the digits counts as a unit. */
const SIZE_UNITS: ReadonlyMap<number, number> = new Map([[0x6b, 1024], [0x6d, 1048576]]);
const TIME_UNITS: ReadonlyMap<number, number> = new Map([[0x6d, 60], [0x68, 3600]]);

function scanWithUnit(text: Uint8Array, units: ReadonlyMap<number, number>): number {
  const { value, length } = scanUlong(text);
  return Number(value) * (units.get(text[length] ?? -1) ?? 1);
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * Parses `config`. `warn(m0, m1)` receives runit's two-part warnings for bad UDP lines
 * (`unable to scan ip address`, `unable to scan port number`).
 */
export function parseConfig(data: Uint8Array, warn: (m0: string, m1: string) => void): DirConfig {
  const config = defaultConfig();
  for (let i = 0; i + 1 < data.length; i++) {
    let end = data.indexOf(0x0a, i);
    if (end === -1) end = data.length;
    const raw = data.subarray(i, end);
    const nul = raw.indexOf(0);
    const line = nul === -1 ? raw : raw.subarray(0, nul);
    applyLine(config, raw, line, warn);
    i = end;
  }
  return config;
}

function applyLine(config: DirConfig, raw: Uint8Array, line: Uint8Array, warn: (m0: string, m1: string) => void): void {
  const rest = line.subarray(1);
  switch (String.fromCharCode(raw[0] ?? 0)) {
    case '+':
    case '-':
    case 'e':
    case 'E':
      // runit stores the raw line NUL-terminated and walks the list by NULs: an embedded NUL
      // starts a new instruction.
      for (const piece of Buffer.from(raw).toString('latin1').split('\0')) {
        const op = piece.charCodeAt(0);
        if (op === 0x2b || op === 0x2d || op === 0x65 || op === 0x45) {
          config.rules.push({ op, pattern: Buffer.from(piece.slice(1), 'latin1') });
        }
      }
      break;
    case 's':
      config.sizeMax = scanWithUnit(rest, SIZE_UNITS);
      break;
    case 'n':
      config.countMax = Number(scanUlong(rest).value);
      break;
    case 'N':
      config.countMin = Number(scanUlong(rest).value);
      break;
    case 't':
      config.rotateSeconds = scanWithUnit(rest, TIME_UNITS);
      break;
    case '!':
      if (raw.length > 1) config.processor = latin1(rest);
      break;
    case 'U':
    case 'u':
      if (raw[0] === 0x55) config.udpOnly = true;
      applyUdp(config, rest, warn);
      break;
    case 'p':
      if (raw.length > 1) config.prefix = Buffer.from(rest);
      break;
  }
}

function applyUdp(config: DirConfig, rest: Uint8Array, warn: (m0: string, m1: string) => void): void {
  const scanned = scanAddress(rest, config.udpAddress);
  if (scanned === 0) {
    warn('unable to scan ip address', latin1(rest));
    return;
  }
  let port = 514;
  if (rest[scanned] === 0x3a) {
    port = Number(scanUlong(rest, scanned + 1).value);
    if (port === 0) {
      warn('unable to scan port number', latin1(rest.subarray(scanned + 1)));
      return;
    }
  }
  // runit stores htons(port): only the low 16 bits survive.
  config.udpPort = port % 65536;
}
