/**
 * The last wall between in-process Supervisors: an exception that escapes one of them (from an
 * event callback, where no promise can catch it) is reported and the process goes on, because
 * exiting would leave every other service unsupervised (and, as PID 1, end the container).
 */
export function installFaultWall(warn: (text: string) => void): void {
  const report = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    warn(`internal error, continuing: ${text.split('\n').slice(0, 3).join(' | ')}`);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}
