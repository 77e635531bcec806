/**
 * The accounts a service names must exist where it will run: chpst and setuidgid look them up
 * at every start, so a missing one makes the service fail and be restarted forever. build()
 * refuses it instead, for the service's user and group and the logger's user alike. The libc
 * layer is loaded only here: most users of the library never need it.
 */
import { RunitError } from '../errors.js';
import type { ServiceSpec } from './builder-spec.js';

export interface AccountIds {
  uid: number;
  gid: number;
}

/** The account `name` (ERR_INVALID naming `what` when there is none). */
export async function findAccount(what: string, name: string): Promise<AccountIds> {
  const { getpwnam } = await import('../sys/index.js');
  const entry = getpwnam(name);
  if (entry === undefined) throw new RunitError('ERR_INVALID', `${what}: no such user: ${name}`);
  return { uid: entry.uid, gid: entry.gid };
}

async function findGroup(name: string): Promise<void> {
  const { getgrnamErrno } = await import('../sys/index.js');
  if (getgrnamErrno(name).gid === undefined) throw new RunitError('ERR_INVALID', `group: no such group: ${name}`);
}

/**
 * Checks every account `spec` names. A service with a chroot (`root`) is skipped: chpst looks its
 * user up inside the new root, whose accounts need not be this machine's.
 */
export async function checkAccounts(spec: ServiceSpec): Promise<void> {
  const { user, group, root } = spec.process;
  if (user !== undefined && root === undefined) await findAccount('user', user);
  if (group !== undefined && root === undefined) await findGroup(group);
  if (spec.log?.user !== undefined) await findAccount('log user', spec.log.user);
}
