/** A start-up failure, with runit's message after `runsv NAME: fatal: ` (RSV-32); exit 111. */
export class SupervisorStartError extends Error {
  readonly exitCode = 111;
}
