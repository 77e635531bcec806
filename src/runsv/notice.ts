/**
 * What a service tells its supervisor about itself: s6's readiness newline, or one datagram of
 * systemd's notify protocol (`READY=1`, `STATUS=…`, `RELOADING=1`, `STOPPING=1`, `MAINPID=…`,
 * `WATCHDOG=1`, and the fd store's `FDSTORE=1`, `FDSTOREREMOVE=1`, `FDNAME=`), decoded into fields.
 */
export interface Notice {
  isReady?: boolean;
  /** `RELOADING=1`: not ready again until the next `READY=1`. */
  isReloading?: boolean;
  /** `STOPPING=1`: no longer ready. */
  isStopping?: boolean;
  /** `STATUS=`: free text the service shows about itself. */
  statusText?: string;
  /** `MAINPID=`: the pid the service says is its main process (reported, not supervised). */
  mainPid?: number;
  /** `WATCHDOG=1`: the service is alive (the `watchdog` time-out starts over). */
  isWatchdogPing?: boolean;
  /** `WATCHDOG=trigger`: the service asks for the watchdog's action now. */
  isWatchdogTrigger?: boolean;
  /** `FDSTORE=1`: keep the descriptors that came with the message (fd-store.ts). */
  isFdStore?: boolean;
  /** `FDSTOREREMOVE=1`: close the stored descriptors named `fdName`. */
  isFdStoreRemove?: boolean;
  /** `FDNAME=`: the name of the descriptors stored or removed. */
  fdName?: string;
}

/** One sd_notify datagram: newline-separated assignments; unknown ones are ignored, as systemd does. */
export function parseNotifyDatagram(text: string): Notice {
  const notice: Notice = {};
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const name = line.slice(0, equals);
    const value = line.slice(equals + 1);
    switch (name) {
      case 'READY':
        if (value === '1') notice.isReady = true;
        break;
      case 'RELOADING':
        if (value === '1') notice.isReloading = true;
        break;
      case 'STOPPING':
        if (value === '1') notice.isStopping = true;
        break;
      case 'STATUS':
        notice.statusText = value;
        break;
      case 'MAINPID': {
        const pid = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : undefined;
        if (pid !== undefined) notice.mainPid = pid;
        break;
      }
      case 'FDSTORE':
        if (value === '1') notice.isFdStore = true;
        break;
      case 'FDSTOREREMOVE':
        if (value === '1') notice.isFdStoreRemove = true;
        break;
      case 'FDNAME':
        notice.fdName = value;
        break;
      case 'WATCHDOG':
        if (value === '1') notice.isWatchdogPing = true;
        else if (value === 'trigger') notice.isWatchdogTrigger = true;
        break;
      default:
        break;
    }
  }
  return notice;
}
