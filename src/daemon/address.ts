/**
 * Listening addresses as a service writes them: `host:port`, `[v6]:port`, `:port` (every
 * interface), `/path` (unix socket) or `@name` (Linux's abstract namespace), and whether a socket
 * passed in (getsockname) listens on one.
 */
import { RunitError } from '../errors.js';
import type { SocketInfo } from '../sys/sockets.js';

export type ListenAddress =
  | { family: 'inet'; host: string | undefined; port: number }
  | { family: 'unix'; path: string };

export function parseListenAddress(text: string): ListenAddress {
  if (text.startsWith('/') || text.startsWith('@')) return { family: 'unix', path: text };
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw new RunitError('ERR_INVALID', `not an address to listen on: ${text}`);
  const host = match[1] ?? match[2];
  return { family: 'inet', host: host === '' ? undefined : host, port };
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
const LOOPBACK: Readonly<Record<string, string>> = { localhost: '127.0.0.1' };

/** Whether a passed socket listens on `address` (a wildcard host matches any; port 0 matches any). */
export function isListeningOn(info: SocketInfo, address: ListenAddress): boolean {
  if (address.family === 'unix') return info.family === 'unix' && info.address === address.path;
  if (info.family !== 'IPv4' && info.family !== 'IPv6') return false;
  if (address.port !== 0 && info.port !== address.port) return false;
  if (address.host === undefined) return true;
  const host = LOOPBACK[address.host] ?? address.host;
  return host === info.address || (WILDCARDS.has(host) && WILDCARDS.has(info.address));
}

/** The address as it is written again, e.g. in a log line. */
export function formatListenAddress(info: SocketInfo): string {
  if (info.family === 'unix') return info.address;
  return info.family === 'IPv6' ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}
