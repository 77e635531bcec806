/**
 * The `listen` file of a service directory (docs/extensions.md): one socket a line, which the
 * supervisor binds and holds across restarts, and the descriptor names of systemd's
 * LISTEN_FDNAMES. Pure: runsv binds, ServiceBuilder writes, both through these.
 *
 *   tcp:HOST:PORT  tcp6:[HOST]:PORT  udp:HOST:PORT  udp6:[HOST]:PORT  unix:PATH [MODE]
 *
 * each optionally followed by ` name=NAME`. HOST is a numeric address (no name lookup, as
 * systemd's ListenStream=); MODE is octal (default 0666, systemd's SocketMode=).
 */
import { isIPv4, isIPv6 } from 'node:net';

export type ListenSpec =
  | { kind: 'tcp' | 'udp'; family: 4 | 6; host: string; port: number; name: string | undefined }
  | { kind: 'unix'; path: string; mode: number; name: string | undefined };

/** systemd's SocketMode= default. */
export const DEFAULT_UNIX_MODE = 0o666;

/**
 * systemd's fdname_is_valid: at most 255 printable ASCII characters, no `:` (the separator of
 * LISTEN_FDNAMES).
 */
export function isValidFdName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && /^[\x20-\x39\x3b-\x7e]+$/.test(name);
}

const PORT = /^[1-9][0-9]{0,4}$/;

function parsePort(text: string): number | undefined {
  const port = PORT.test(text) ? Number(text) : undefined;
  return port !== undefined && port <= 65535 ? port : undefined;
}

/** `HOST:PORT`, or `[HOST]:PORT` for IPv6. */
function parseHostPort(family: 4 | 6, text: string): { host: string; port: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host = text.slice(0, colon);
  const port = parsePort(text.slice(colon + 1));
  if (family === 6) {
    if (!host.startsWith('[') || !host.endsWith(']')) return undefined;
    host = host.slice(1, -1);
  }
  const isHost = family === 4 ? isIPv4(host) : isIPv6(host);
  return isHost && port !== undefined ? { host, port } : undefined;
}

/** One line; undefined when it is not one of the forms above. */
export function parseListenLine(line: string): ListenSpec | undefined {
  const words = line.trim().split(/[ \t]+/);
  let name: string | undefined;
  if (words.length > 1 && words.at(-1)!.startsWith('name=')) {
    name = words.pop()!.slice('name='.length);
    if (!isValidFdName(name)) return undefined;
  }
  const [address, mode, ...rest] = words;
  if (address === undefined || rest.length > 0) return undefined;
  const colon = address.indexOf(':');
  const kind = address.slice(0, colon);
  const target = address.slice(colon + 1);
  if (kind === 'unix') {
    if (target.length === 0 || (mode !== undefined && !/^0?[0-7]{3}$/.test(mode))) return undefined;
    return { kind, path: target, mode: mode === undefined ? DEFAULT_UNIX_MODE : parseInt(mode, 8), name };
  }
  if (mode !== undefined) return undefined;
  const inet = { tcp: ['tcp', 4], tcp6: ['tcp', 6], udp: ['udp', 4], udp6: ['udp', 6] } as const;
  const found = Object.hasOwn(inet, kind) ? inet[kind as keyof typeof inet] : undefined;
  if (found === undefined) return undefined;
  const hostPort = parseHostPort(found[1], target);
  return hostPort && { kind: found[0], family: found[1], ...hostPort, name };
}

/** The whole file: the sockets, or the first bad line (1-based) and its text. */
export function parseListenFile(text: string): { specs: ListenSpec[] } | { badLine: number; line: string } {
  const specs: ListenSpec[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const spec = parseListenLine(line);
    if (spec === undefined) return { badLine: index + 1, line };
    specs.push(spec);
  }
  return { specs };
}

/** A spec as its line (without the name): what `supervise/fds` and warnings show. */
export function formatListenAddress(spec: ListenSpec): string {
  if (spec.kind === 'unix') return `unix:${spec.path}`;
  const host = spec.family === 6 ? `[${spec.host}]` : spec.host;
  return `${spec.kind}${spec.family === 6 ? '6' : ''}:${host}:${spec.port}`;
}

/** A spec as a line of the file. */
export function formatListenLine(spec: ListenSpec): string {
  const mode = spec.kind === 'unix' && spec.mode !== DEFAULT_UNIX_MODE ? ` ${spec.mode.toString(8).padStart(4, '0')}` : '';
  return `${formatListenAddress(spec)}${mode}${spec.name === undefined ? '' : ` name=${spec.name}`}`;
}
