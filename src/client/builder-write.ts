/**
 * Writes a rendered service directory atomically: everything goes into a dot-named temp dir
 * beside the target (runsvdir and svscan skip dot names), which is then renamed into place, so a
 * running scanner sees no service or a whole one, never half of one.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { RunitError } from '../errors.js';
import { findAccount, type AccountIds } from './builder-accounts.js';
import type { ServiceFiles } from './builder-render.js';

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function alreadyThere(target: string, cause?: unknown): RunitError {
  return new RunitError('ERR_EXISTS', `${target} already exists; the builder never overwrites a service`, { cause });
}

/** Writes `<dir>/config` by rename too, since a running svlogd may re-read it (HUP). */
async function writeExternalLogDir(dir: string, config: string | undefined): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (config === undefined) return;
  const temp = join(dir, 'config.new');
  await writeFile(temp, config, { mode: 0o644 });
  await rename(temp, join(dir, 'config'));
}

async function fillDir(root: string, files: ServiceFiles): Promise<void> {
  for (const dir of files.dirs) await mkdir(join(root, dir), { mode: 0o755 });
  for (const file of files.files) {
    const path = join(root, file.path);
    await writeFile(path, file.data, { mode: file.mode, flag: 'wx' });
    await chmod(path, file.mode); // the mode given to open is filtered by the umask
  }
}

/** The logger drops to its account, so as root the log directory is given to it. */
async function logOwnerIds(files: ServiceFiles): Promise<AccountIds | undefined> {
  if (files.logOwner === undefined || process.getuid?.() !== 0) return undefined;
  return findAccount('log user', files.logOwner);
}

async function chownLogDir(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await chown(dir, owner.uid, owner.gid);
  for (const name of await readdir(dir)) await chown(join(dir, name), owner.uid, owner.gid);
}

/**
 * Writes `files` into a new dot-named directory beside `target` (runsvdir and svscan skip dot
 * names) and returns its path: a whole service, ready to be renamed into place.
 */
export async function stageServiceDir(target: string, files: ServiceFiles): Promise<string> {
  const owner = await logOwnerIds(files);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.${basename(target)}.building-`));
  try {
    await chmod(temp, 0o755);
    await fillDir(temp, files);
    if (files.externalLogDir !== undefined) await writeExternalLogDir(files.externalLogDir.dir, files.externalLogDir.config);
    if (owner !== undefined && files.logDir !== undefined) {
      await chownLogDir(isAbsolute(files.logDir) ? files.logDir : join(temp, files.logDir), owner);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return temp;
}

/** Creates `target` with `files`; throws ERR_EXISTS when it is already there. Returns target. */
export async function writeServiceDir(target: string, files: ServiceFiles): Promise<string> {
  if (await exists(target)) throw alreadyThere(target);
  const temp = await stageServiceDir(target, files);
  try {
    // rename(2) would silently replace an empty directory that appeared meanwhile; check again.
    if (await exists(target)) throw alreadyThere(target);
    try {
      await rename(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw code === 'ENOTEMPTY' || code === 'EEXIST' ? alreadyThere(target, error) : error;
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
