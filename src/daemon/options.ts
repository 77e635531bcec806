/**
 * What run() takes and gives (daemon.ts): the configure function's context, the options, and how
 * an exit ended.
 */
import type { FdStore } from './fd-store.js';
import type { GenerationSpec } from './generation.js';
import type { Listener, ListenSpec } from './listeners.js';
import type { DaemonLogger } from './logger.js';
import type { Notifier } from './notify.js';

/** What configure gets, once per generation. */
export interface GenerationContext {
  /** 1 for the first generation, then one more per successful reload. */
  generation: number;
  /** The listening socket for `spec`: the same one in every generation. */
  listen(spec?: ListenSpec): Promise<Listener>;
  /** Descriptors parked with the supervisor before a restart, and the way to park more. */
  fdStore: FdStore;
  logger: DaemonLogger;
}

export interface RunOptions {
  configure(context: GenerationContext): GenerationSpec | Promise<GenerationSpec>;
  /** How long a graceful exit or a retiring generation may take before the rest is closed (ms, default 10000). */
  shutdownTimeout?: number;
  /** On reload, retire the old generation completely before starting the new one (the Go library's SyncReload). */
  isSyncReload?: boolean;
  /** Called after each generation is serving and before READY=1 is sent; a throw is logged. */
  onReady?(generation: number): void | Promise<void>;
  /** The STATUS= text sent with READY=1 (default `serving, generation N`). */
  statusText?(generation: number): string;
  /** SIGHUP reloads, SIGUSR2 (`sv 2`) replaces the process, SIGTERM and SIGINT exit gracefully (default true). */
  handleSignals?: boolean;
  logger?: DaemonLogger;
  notifier?: Notifier;
  env?: NodeJS.ProcessEnv;
}

export interface ExitResult {
  /** The time-out passed and work still in flight was cut off. */
  isForced: boolean;
  /** What failed while stopping: servers' shut-downs and clean-ups. */
  errors: unknown[];
}
