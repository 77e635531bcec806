/**
 * A service left running by a previous supervisor that died (SIGKILL, the OOM killer): the
 * supervise/ lock is free again, and the last record still names the service (and its log
 * service) as running. runit's runsv starts a second instance beside it; ours takes the running
 * one over, so one instance runs and nothing restarts: its record is kept as it was, its exit is
 * watched (exit-watch.ts) and treated as the service's exit, and `sv` controls it as before.
 *
 * The log pipe: the dead supervisor held both ends, and its service still writes into the write
 * end while its log service reads the read end. Both ends are opened again through
 * /proc/PID/fd (Linux opens the same pipe), so whichever side is restarted later joins the same
 * pipe and no line already written is lost; the log directory's lock stays with the one svlogd.
 */
import { constants, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { readRecord, recordedProcess } from '../client/recorded-process.js';
import { LOG, SERVICE_FILE } from '../protocol/layout.js';
import { STATE_FINISH, type StatusRecord } from '../protocol/status.js';
import { close, setStatusFlags } from '../sys/index.js';
import { pipeInode } from '../sys/proc.js';
import type { SystemEffects } from './effects.js';
import type { Supervisor } from './supervisor.js';

export interface PreviousInstances {
  /** The service's last record, when the process it names still runs. */
  main: StatusRecord | undefined;
  /** The log service's, likewise. */
  log: StatusRecord | undefined;
}

/** Read after the lock is taken (no live supervisor can be writing) and before the first publish. */
export function findPreviousInstances(root: string, hasLog: boolean): PreviousInstances {
  return { main: liveRecord(root), log: hasLog ? liveRecord(join(root, LOG)) : undefined };
}

function liveRecord(dir: string): StatusRecord | undefined {
  const record = readRecord(dir);
  // A log service run inside a host has the host's pid: never take over this very process.
  if (record === undefined || record.pid === process.pid) return undefined;
  return recordedProcess(dir, record) !== undefined ? record : undefined;
}

/**
 * The log pipe the previous instances share, opened again: the log service's stdin, else the
 * service's stdout. Undefined when neither is a pipe (a fresh one is made); throws when it could
 * not be opened (e.g. EACCES on a process that made itself undumpable).
 */
export function reopenLogPipe(previous: PreviousInstances): [number, number] | undefined {
  const source = pipeEnd(previous.log?.pid, 0) ?? pipeEnd(previous.main?.pid, 1);
  if (source === undefined) return undefined;
  // Read end first and without waiting for a writer; the write end then finds a reader (ours).
  const readEnd = openSync(source.path, constants.O_RDONLY | constants.O_NONBLOCK);
  let writeEnd: number | undefined;
  try {
    writeEnd = openSync(source.path, constants.O_WRONLY);
    // A process that exited and left its pid to another between the readlink and the open would
    // hand over some other pipe: the inode must still be the one read.
    if (fstatSync(readEnd).ino !== source.inode || fstatSync(writeEnd).ino !== source.inode) {
      throw Object.assign(new Error('the pipe changed while it was opened'), { code: 'ESTALE' });
    }
    // As pipe2() made it: a log service that reads its stdin expects a blocking pipe.
    setStatusFlags(readEnd, constants.O_RDONLY);
    return [readEnd, writeEnd];
  } catch (error) {
    close(readEnd);
    if (writeEnd !== undefined) close(writeEnd);
    throw error;
  }
}

function pipeEnd(pid: number | undefined, fd: number): { path: string; inode: number } | undefined {
  if (pid === undefined) return undefined;
  const inode = pipeInode(pid, fd);
  return inode === undefined ? undefined : { path: `/proc/${pid}/fd/${fd}`, inode };
}

/**
 * Hands the previous instances to the new supervisor (before its first publish), naming each.
 * `isPipeLost`: their pipe could not be opened again, so their output would go where nobody
 * reads any more: each is restarted (`t`) onto the new pipe, the service first.
 */
export function takeOver(previous: PreviousInstances, supervisor: Supervisor, effects: SystemEffects, warn: (text: string) => void, isPipeLost: boolean): void {
  for (const isLog of [false, true]) {
    const record = isLog ? previous.log : previous.main;
    if (record === undefined) continue;
    const script = isLog ? `${LOG}/${SERVICE_FILE.run}` : `./${record.state === STATE_FINISH ? SERVICE_FILE.finish : SERVICE_FILE.run}`;
    warn(`taking over ${script} (pid ${record.pid}) left running by a supervisor that is gone`);
    effects.adopt(record.pid, supervisor.adopt(isLog, record));
    if (isPipeLost) supervisor.enqueueControl(isLog, 't');
  }
}
