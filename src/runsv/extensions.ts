/**
 * The Supervisor's hooks for our extension files (docs/extensions.md): readiness, stop time-outs,
 * down-signal, restart backoff and dependency order, each its own module, put together here for
 * the one service whose options were read at start-up (and the `listen` sockets' binding). A plain runit directory gets NO_HOOKS.
 */
import type { Clock } from '../clock.js';
import { Backoff, type BackoffEffects } from './backoff.js';
import { Dependencies, type DependencyEffects } from './dependencies.js';
import type { Notice } from './notice.js';
import { Readiness, type ReadinessEffects } from './readiness.js';
import type { Want } from './record.js';
import { isPlainRunit, type ServiceOptions } from './service-options.js';
import { StopTimeouts, type StopTimeoutEffects } from './stop-timeouts.js';
import { NO_HOOKS, type SupervisorHooks } from './supervisor-hooks.js';
import { Watchdog, type WatchdogEffects } from './watchdog.js';

/** `listen`: whether every socket is bound (listen-sockets.ts); absent, nothing to wait for. */
export interface PassedFdEffects {
  mayPassFds?(recheck: () => void): boolean;
}

export type ExtensionEffects = ReadinessEffects &
  StopTimeoutEffects &
  BackoffEffects &
  DependencyEffects &
  WatchdogEffects &
  PassedFdEffects;

export class ServiceExtensions implements SupervisorHooks {
  readonly #options: ServiceOptions;
  readonly readiness: Readiness;
  readonly #timeouts: StopTimeouts;
  readonly #backoff: Backoff | undefined;
  readonly #dependencies: Dependencies | undefined;
  readonly #watchdog: Watchdog | undefined;
  readonly #effects: PassedFdEffects;

  constructor(effects: ExtensionEffects, clock: Clock, self: string, options: ServiceOptions) {
    this.#options = options;
    this.#effects = effects;
    this.readiness = new Readiness(effects, clock);
    this.#timeouts = new StopTimeouts(effects, clock, options.timeoutKill, options.timeoutFinish);
    this.#backoff = options.restartBackoff && new Backoff(effects, clock, options.restartBackoff);
    this.#watchdog = options.watchdog > 0 ? new Watchdog(effects, clock, options.watchdog) : undefined;
    this.#dependencies =
      options.dependencies.length > 0 ? new Dependencies(effects, clock, self, options.dependencies) : undefined;
  }

  mayStart(recheck: () => void): boolean {
    // Sockets first: a service waiting for its dependencies still holds its port.
    if (this.#effects.mayPassFds && !this.#effects.mayPassFds(recheck)) return false;
    if (this.#dependencies && !this.#dependencies.mayStart(recheck)) return false;
    return this.#backoff?.mayStart(recheck) ?? true;
  }

  started(kind: 'run' | 'finish', pid: number): void {
    if (kind === 'finish') return this.#timeouts.finishStarted(pid);
    this.readiness.started(pid);
    this.#watchdog?.started(pid);
    this.#backoff?.started();
  }

  noticed(pid: number, notice: Notice): void {
    this.readiness.noticed(pid, notice);
    this.#watchdog?.noticed(pid, notice);
  }

  followed(pid: number): void {
    this.readiness.followed(pid);
    this.#watchdog?.followed(pid);
  }

  stopSignal(want: Want): NodeJS.Signals {
    return want === 'up' ? 'SIGTERM' : this.#options.downSignal;
  }

  stopSent(pid: number, want: Want): void {
    this.#timeouts.stopSent(pid, want);
    this.#backoff?.stopSent();
  }

  exited(kind: 'run' | 'finish', pid: number): void {
    this.#timeouts.exited(pid);
    if (kind === 'run') {
      this.readiness.exited(pid);
      this.#watchdog?.exited(pid);
      this.#backoff?.exited();
    }
  }

  replacesRestartRule(want: Want): boolean {
    if (!this.#backoff) return false;
    this.#backoff.holdRestart(want);
    return true;
  }
}

/** The hooks for `options`: none at all for a plain runit directory. */
export function hooksFor(effects: ExtensionEffects, clock: Clock, self: string, options: ServiceOptions): SupervisorHooks {
  return isPlainRunit(options) ? NO_HOOKS : new ServiceExtensions(effects, clock, self, options);
}
