/**
 * Readiness of the current instance of ./run (s6's notification-fd, systemd's READY=1): ready
 * from its notice until it dies, reloads or says it is stopping. Published as `supervise/ready`,
 * which exists only while the current instance is ready; it is removed before the status of a
 * death is written, so a reader that sees a new pid in `status` never sees the old `ready`.
 */
import type { Clock } from '../clock.js';
import type { Tai64n } from '../protocol/tai64n.js';
import type { Notice } from './notice.js';

export interface ReadinessEffects {
  /** Writes `supervise/ready` with the stamp, or removes it (undefined). */
  writeReady(stamp: Tai64n | undefined): void;
  /** Writes what the service said about itself (STATUS=, MAINPID=), or removes it. */
  writeNotes(notes: ServiceNotes | undefined): void;
}

export interface ServiceNotes {
  statusText: string | undefined;
  mainPid: number | undefined;
}

export class Readiness {
  readonly #effects: ReadinessEffects;
  readonly #clock: Clock;
  #pid = 0;
  #isReady = false;
  #notes: ServiceNotes | undefined;

  constructor(effects: ReadinessEffects, clock: Clock) {
    this.#effects = effects;
    this.#clock = clock;
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  /** The supervisor starts: nothing a previous supervisor left may claim readiness. */
  reset(): void {
    this.#effects.writeReady(undefined);
    this.#effects.writeNotes(undefined);
  }

  started(pid: number): void {
    this.#pid = pid;
    this.#set(false);
  }

  noticed(pid: number, notice: Notice): void {
    if (pid !== this.#pid || pid <= 0) return;
    if (notice.statusText !== undefined || notice.mainPid !== undefined) {
      this.#notes = {
        statusText: notice.statusText ?? this.#notes?.statusText,
        mainPid: notice.mainPid ?? this.#notes?.mainPid,
      };
      this.#effects.writeNotes(this.#notes);
    }
    if (notice.isReloading || notice.isStopping) this.#set(false);
    if (notice.isReady && !notice.isStopping) this.#set(true);
  }

  /** `MAINPID=` was followed: the readiness (and notes) now belong to `pid`. */
  followed(pid: number): void {
    if (this.#pid > 0) this.#pid = pid;
  }

  exited(pid: number): void {
    if (pid !== this.#pid) return;
    this.#pid = 0;
    this.#set(false);
    if (this.#notes !== undefined) {
      this.#notes = undefined;
      this.#effects.writeNotes(undefined);
    }
  }

  #set(isReady: boolean): void {
    if (isReady === this.#isReady) return;
    this.#isReady = isReady;
    this.#effects.writeReady(isReady ? this.#clock.now() : undefined);
  }
}
