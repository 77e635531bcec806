/**
 * Account lookup for -u/-U and setuidgid/envuidgid (CHP-4, CHP-5, CHP-16, CHP-17), with runit's
 * quirks kept: `:UID:GID...` scanning (empty numbers are 0), at most 60 groups, and the group
 * list of a bare user being just the passwd entry's gid (no /etc/group membership).
 */
import { SysError } from '../errors.js';
import { scanUlong } from '../protocol/scan-ulong.js';
import { cString, getgrnamErrno, getpwnamErrno, type PasswdEntry } from '../sys/index.js';
import { ChpstFailure, type UserSpec } from './options.js';

export interface Identity {
  uid: number;
  gids: number[];
}

const MAX_GROUPS = 60;

/** `UID:GID[:GID...]` (the text after the leading colon); undefined when malformed. */
export function parseNumericIds(text: string): Identity | undefined {
  const id = (at: number): { value: number; next: number } => {
    const { value, length } = scanUlong(text, at);
    return { value: Number(BigInt.asUintN(32, value)), next: at + length };
  };
  const user = id(0);
  if (text[user.next] !== ':') return undefined;
  const gids: number[] = [];
  let at = user.next + 1;
  while (gids.length < MAX_GROUPS) {
    const gid = id(at);
    gids.push(gid.value);
    at = gid.next;
    if (text[at] !== ':') break;
    at++;
  }
  return at === text.length ? { uid: user.value, gids } : undefined;
}

function passwd(name: string): PasswdEntry | undefined {
  const { entry, errno } = getpwnamErrno(cString(name));
  // Any errno counts, not merely "no such name" (sys's getpwnam forgives ENOENT and ESRCH).
  if (entry === undefined && errno !== 0) throw new SysError('getpwnam', errno);
  return entry;
}

function group(name: string): number | undefined {
  const { gid, errno } = getgrnamErrno(cString(name));
  if (gid === undefined && errno !== 0) throw new SysError('getgrnam', errno);
  return gid;
}

/** Looks `spec` up; throws ChpstFailure with runit's message (exit 111). */
export function resolveUser(spec: UserSpec): Identity {
  const { account, extended } = spec;
  try {
    if (!extended) {
      const entry = passwd(account);
      if (entry === undefined) throw ChpstFailure.plain(`unknown account: ${account}`);
      return { uid: entry.uid, gids: [entry.gid] };
    }
    if (account.startsWith(':')) {
      const ids = parseNumericIds(account.slice(1));
      if (ids === undefined) throw ChpstFailure.plain(`invalid uid/gids: ${account.slice(1)}`);
      return ids;
    }
    const [user, ...groups] = account.split(':');
    const entry = passwd(user!);
    if (entry === undefined) throw ChpstFailure.plain(`unknown user/group: ${account}`);
    if (account.indexOf(':') === -1) return { uid: entry.uid, gids: [entry.gid] };
    const gids: number[] = [];
    for (const name of groups.slice(0, MAX_GROUPS)) {
      const gid = group(name);
      if (gid === undefined) throw ChpstFailure.plain(`unknown user/group: ${account}`);
      gids.push(gid);
    }
    return { uid: entry.uid, gids };
  } catch (error) {
    if (error instanceof ChpstFailure) throw error;
    const what = extended ? 'unable to get password/group file entry: ' : 'unable to get password file entry: ';
    throw ChpstFailure.sys(what, error);
  }
}
