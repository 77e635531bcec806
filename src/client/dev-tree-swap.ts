/**
 * Taking a service directory out of a running tree, runit's way: once nothing will restart its
 * supervisor (the enabled/ link is gone), tell the supervisor to exit (`sv x`), wait until it
 * has, then move the directory aside (a dot name, which scanners skip) before anything else.
 */
import { chown, lstat, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, RunitError } from '../errors.js';
import { LOG } from '../protocol/layout.js';
import { Client } from './client.js';
import { pollUntil } from './dev-tree-runsvdir.js';
import { SuperviseDir } from './supervise-dir.js';

/** The default log directory inside log/ (ServiceBuilder's `./main`). */
const LOG_FILES = join(LOG, 'main');

/**
 * Stops the service and its log service and waits until their supervisor has exited (`x`:
 * runsv stops ./run, then its logger, then exits). Nothing happens when none holds `dir`.
 */
export async function stopSupervisor(dir: string, timeout: number): Promise<void> {
  const service = new SuperviseDir(dir);
  const log = service.log();
  const isHeld = (): boolean => service.isSupervised() || log.isSupervised();
  if (!isHeld()) return;
  for (const which of [service, log]) {
    try {
      if (which.isSupervised()) await new Client(which.service).exit();
    } catch (error) {
      // It exited between the check and the command (runsvdir may have TERMed it meanwhile).
      if (!(error instanceof RunitError) || error.code !== 'ERR_RUNSV_NOT_RUNNING') throw error;
    }
  }
  await pollUntil(`${dir}: the supervisor did not exit`, timeout, () => !isHeld());
}

/** Renames `dir` to a dot name beside it and returns that name. */
export async function moveAside(dir: string, why: string): Promise<string> {
  const aside = join(dirname(dir), `.${basename(dir)}.${why}-${process.pid}-${Date.now()}`);
  await rename(dir, aside);
  return aside;
}

/** Whether `path` exists (a dangling symlink counts); errors other than ENOENT are thrown. */
export async function isPathPresent(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * A replaced service keeps its logs: the old `log/main` (current, rotated files, svlogd's state)
 * moves into the new directory, with the new definition's `config` in it. Both loggers must be
 * stopped. Logs kept in an absolute directory stay where they are anyway.
 */
export async function carryLogs(oldDir: string, newDir: string): Promise<void> {
  const oldLogs = join(oldDir, LOG_FILES);
  const newLogs = join(newDir, LOG_FILES);
  if (!(await isDirectory(oldLogs)) || !(await isDirectory(newLogs))) return;
  const { uid, gid } = await stat(newLogs);
  await rm(join(oldLogs, 'config'), { force: true });
  for (const name of await readdir(newLogs)) await rename(join(newLogs, name), join(oldLogs, name));
  // The new logger may run as another account: it must own what it writes to.
  await chown(oldLogs, uid, gid);
  for (const name of await readdir(oldLogs)) await chown(join(oldLogs, name), uid, gid);
  await rm(newLogs, { recursive: true });
  await rename(oldLogs, newLogs);
}

/**
 * Puts the whole service directory `staged` in place of `target`: the supervisor of `target`
 * (which nothing may restart: it is out of enabled/) is told to exit and waited for, the old
 * directory moved aside, its logs carried over, `staged` renamed in, the old one deleted. A
 * missing `target` is simply created. On failure before the rename `staged` is removed.
 */
export async function swapServiceDir(staged: string, target: string, timeout: number): Promise<void> {
  let old: string | undefined;
  try {
    if (await isPathPresent(target)) {
      await stopSupervisor(target, timeout);
      old = await moveAside(target, 'replaced');
      await carryLogs(old, staged);
    }
    await rename(staged, target);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    // Put the old service back where it was, logs and all, rather than leave no service at all.
    if (old !== undefined && !(await isPathPresent(target))) await rename(old, target).catch(() => undefined);
    throw error;
  }
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}
