/**
 * `supervise/fds` (docs/extensions.md): the descriptors a supervisor holds for its service, as
 * one line of JSON, present while it holds any or has `listen` or `fdstore-max`. `listen` are the
 * sockets it bound (passed first, from fd 3), `stored` what the service parked with `FDSTORE=1`
 * (passed after them), in the order passed; `fdstoreMax` the limit.
 */

export interface HeldListenSocket {
  /** As in the `listen` file, without the name: `tcp:127.0.0.1:8080`, `unix:/run/web.sock`. */
  address: string;
  /** Its LISTEN_FDNAMES entry. */
  name: string;
  /** Whether it is bound yet (a port in use is retried). */
  isBound: boolean;
}

export interface HeldStoredFd {
  /** FDNAME= of the message that stored it (`stored` when none). */
  name: string;
  /** What fstat says it is. */
  type: 'socket' | 'file' | 'pipe' | 'directory' | 'other';
}

export interface HeldFds {
  listen: HeldListenSocket[];
  stored: HeldStoredFd[];
  /** `fdstore-max`, 0 without the file. */
  fdstoreMax: number;
}

export function formatHeldFds(held: HeldFds): string {
  return `${JSON.stringify(held)}\n`;
}

/** The file's content; undefined when it is not what formatHeldFds writes. */
export function parseHeldFds(text: string): HeldFds | undefined {
  try {
    const value = JSON.parse(text) as Partial<HeldFds> | null;
    if (value === null || !Array.isArray(value.listen) || !Array.isArray(value.stored) || typeof value.fdstoreMax !== 'number') return undefined;
    return { listen: value.listen, stored: value.stored, fdstoreMax: value.fdstoreMax };
  } catch {
    return undefined;
  }
}
