/**
 * A log directory's `config` file (SVL-4), parsed from its raw bytes. The first byte of a line
 * decides; nothing is trimmed; numbers are runit's scan_ulong (leading digits, none = 0); a
 * NUL byte ends a line's text as it does in C.
 */
import type { Instruction } from './pattern.js';

export interface UdpTarget {
  /** Dotted quad; each part was taken modulo 256 as runit stores it in a byte. */
  address: string;
  port: number;
}

export interface LogDirConfig {
  /** `s`: rotate when `current` reaches this many bytes; 0 = never by size. */
  sizeMax: number;
  /** `n`: old files kept; 0 = unlimited. */
  filesMax: number;
  /** `N`: old files kept when the disk is full. */
  filesMin: number;
  /** `t`: seconds between rotations of a non-empty `current`; 0 = off. */
  rotateSeconds: number;
  /** `!`: the processor's shell command. */
  processor: string | undefined;
  /** `u`/`U`: where selected lines are also sent; undefined = no UDP. */
  udp: UdpTarget | undefined;
  /** `U`: lines go by UDP only, never into the directory. */
  isUdpOnly: boolean;
  /** `p`: written after the stamp before every line (file, stderr and UDP). */
  prefix: Uint8Array;
  /** `+ - e E` lines in file order. */
  instructions: Instruction[];
}

export interface ParsedConfig {
  config: LogDirConfig;
  /** Texts for `svlogd: warning: ` lines, in file order. */
  warnings: string[];
}

export function defaultConfig(): LogDirConfig {
  return {
    sizeMax: 1_000_000,
    filesMax: 10,
    filesMin: 10,
    rotateSeconds: 0,
    processor: undefined,
    udp: undefined,
    isUdpOnly: false,
    prefix: new Uint8Array(0),
    instructions: [],
  };
}

/** runit's scan_ulong: the value of the leading decimal digits and how many there were. */
export function scanUlong(text: Uint8Array, from: number): { value: number; length: number } {
  let value = 0;
  let at = from;
  while (at < text.length && text[at]! >= 0x30 && text[at]! <= 0x39) value = value * 10 + text[at++]! - 0x30;
  return { value, length: at - from };
}

function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

/** Parses `u`/`U` text after the letter: four dotted numbers, then an optional `:PORT`. */
function parseUdp(text: Uint8Array, state: { address: string; port: number }): string | undefined {
  const parts: number[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    if (i > 0) {
      if (text[at] !== 0x2e) return `unable to scan ip address: ${textOf(text)}`;
      at++;
    }
    const { value, length } = scanUlong(text, at);
    if (length === 0) return `unable to scan ip address: ${textOf(text)}`;
    parts.push(value % 256);
    at += length;
  }
  // The address is stored before the port is checked, so a bad port keeps the old one.
  state.address = parts.join('.');
  let port = 514;
  if (text[at] === 0x3a) {
    port = scanUlong(text, at + 1).value;
    if (port === 0) return `unable to scan port number: ${textOf(text.subarray(at + 1))}`;
  }
  state.port = port % 65536;
  return undefined;
}

export function parseConfig(bytes: Uint8Array): ParsedConfig {
  const config = defaultConfig();
  const warnings: string[] = [];
  const udp = { address: '0.0.0.0', port: 0 };
  let rotateSeconds = 0;
  // runit's loop stops when fewer than two bytes are left, so a final lone byte is ignored.
  for (let start = 0; start + 1 < bytes.length; ) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const line = bytes.subarray(start, end);
    const rest = cString(line.subarray(1));
    switch (line[0]) {
      case 0x2b: // +
      case 0x2d: // -
      case 0x65: // e
      case 0x45: // E
        // A NUL inside a pattern line starts another instruction in runit's list.
        for (let piece = 0; piece < line.length; ) {
          const nul = line.indexOf(0, piece);
          const text = line.subarray(piece, nul === -1 ? line.length : nul);
          const kind = String.fromCharCode(text[0] ?? 0);
          if (kind === '+' || kind === '-' || kind === 'e' || kind === 'E') {
            config.instructions.push({ kind, pattern: Uint8Array.from(text.subarray(1)) });
          }
          piece = nul === -1 ? line.length : nul + 1;
        }
        break;
      case 0x73: {
        // s
        const { value, length } = scanUlong(rest, 0);
        const unit = rest[length];
        config.sizeMax = unit === 0x6d ? value * 1048576 : unit === 0x6b ? value * 1024 : value;
        break;
      }
      case 0x6e: // n
        config.filesMax = scanUlong(rest, 0).value;
        break;
      case 0x4e: // N
        config.filesMin = scanUlong(rest, 0).value;
        break;
      case 0x74: {
        // t
        const { value, length } = scanUlong(rest, 0);
        const unit = rest[length];
        rotateSeconds = unit === 0x68 ? value * 3600 : unit === 0x6d ? value * 60 : value;
        break;
      }
      case 0x21: // !
        if (line.length > 1) config.processor = textOf(rest);
        break;
      case 0x55: // U: a u line that also keeps lines out of the directory (even if it fails)
      case 0x75: {
        // u
        if (line[0] === 0x55) config.isUdpOnly = true;
        const warning = parseUdp(rest, udp);
        if (warning !== undefined) warnings.push(warning);
        break;
      }
      case 0x70: // p
        if (line.length > 1) config.prefix = Uint8Array.from(rest);
        break;
    }
    start = end + 1;
  }
  config.rotateSeconds = rotateSeconds;
  config.udp = udp.port === 0 ? undefined : { address: udp.address, port: udp.port };
  return { config, warnings };
}
