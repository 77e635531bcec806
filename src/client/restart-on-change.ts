/**
 * Restart on change, as `pm2 start --watch` does: chokidar (DESIGN.md) watches the given paths,
 * a burst of changes within `debounce` ms restarts the service once (sv restart's TERM, CONT,
 * up), and node_modules and .git are ignored unless asked. While the code keeps failing, the
 * restarts stop: after `maxFailingRestarts` restarts in a row whose run died within
 * `minUptime`, the service is taken down (ending runsv's own crash loop) until the next change
 * brings it up for one more try.
 */
import { watch, type FSWatcher } from 'chokidar';
import { Client } from './client.js';

export const DEFAULT_IGNORED: readonly RegExp[] = [/(^|[/\\])node_modules([/\\]|$)/, /(^|[/\\])\.git([/\\]|$)/];

export interface RestartOnChangeOptions {
  /** Files and directories to watch (directories recursively). */
  paths: readonly string[];
  /** More paths to ignore (chokidar matchers: globs are not expanded, RegExps and functions are). */
  ignored?: ReadonlyArray<string | RegExp | ((path: string) => boolean)>;
  /** Keep node_modules and .git watched too (default false). */
  watchDefaultIgnored?: boolean;
  /** Quiet period that ends a burst of changes, in ms (default 300). */
  debounce?: number;
  /** A run that lasts less than this after a restart counts as failing, in ms (default 2000). */
  minUptime?: number;
  /** Failing restarts in a row before the service is taken down (default 3). */
  maxFailingRestarts?: number;
  /** What happened, for a log: each restart, each run judged failing, each give-up. */
  onEvent?: (event: RestartEvent) => void;
}

export type RestartEvent =
  | { type: 'restart'; paths: string[]; restarts: number }
  | { type: 'failing'; failures: number }
  | { type: 'gave-up'; failures: number }
  | { type: 'error'; error: unknown };

export class RestartOnChange {
  readonly client: Client;
  /** Restarts this watcher made. */
  restarts = 0;
  /** Failing restarts in a row. */
  failures = 0;
  /** Resolves once the initial scan is done: changes from then on are seen. */
  readonly ready: Promise<void>;
  readonly #watcher: FSWatcher;
  readonly #options: RestartOnChangeOptions;
  #changed: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #judge: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #isClosed = false;

  constructor(serviceDir: string, options: RestartOnChangeOptions) {
    this.client = new Client(serviceDir);
    this.#options = options;
    const ignored = [...(options.watchDefaultIgnored === true ? [] : DEFAULT_IGNORED), ...(options.ignored ?? [])];
    this.#watcher = watch([...options.paths], { ignoreInitial: true, ignored, persistent: true });
    this.#watcher.on('all', (_event, path) => this.#onChange(path));
    this.#watcher.on('error', (error) => options.onEvent?.({ type: 'error', error }));
    this.ready = new Promise((resolve) => this.#watcher.once('ready', () => resolve()));
  }

  #onChange(path: string): void {
    if (this.#isClosed) return;
    this.#changed.push(path);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const paths = this.#changed.splice(0);
      this.#chain = this.#chain.then(() => this.#restart(paths)).catch((error: unknown) => this.#options.onEvent?.({ type: 'error', error }));
    }, this.#options.debounce ?? 300);
  }

  async #restart(paths: string[]): Promise<void> {
    if (this.#isClosed) return;
    if (this.#judge !== undefined) clearTimeout(this.#judge);
    const max = this.#options.maxFailingRestarts ?? 3;
    // Given up earlier: this change is one more try; one more failure gives up again.
    if (this.failures >= max) this.failures = max - 1;
    const before = (await this.client.status().catch(() => undefined))?.pid ?? 0;
    await this.client.term();
    await this.client.cont();
    await this.client.up();
    this.restarts++;
    this.#options.onEvent?.({ type: 'restart', paths, restarts: this.restarts });
    // The run the restart began: a new pid (the old one may still show until TERM lands).
    const status = await this.client.waitFor((s) => s.state === 'run' && s.pid !== before, 10_000).catch(() => undefined);
    const pid = status?.pid ?? 0;
    this.#judge = setTimeout(() => void this.#judgeRun(pid, max), this.#options.minUptime ?? 2000);
  }

  /** The run a restart began: still the same process after minUptime, or failing. */
  async #judgeRun(pid: number, max: number): Promise<void> {
    this.#judge = undefined;
    if (this.#isClosed) return;
    const status = await this.client.status().catch(() => undefined);
    if (status !== undefined && status.state === 'run' && status.pid === pid && pid !== 0) {
      this.failures = 0;
      return;
    }
    this.failures++;
    this.#options.onEvent?.({ type: 'failing', failures: this.failures });
    if (this.failures >= max) {
      await this.client.down().catch((error: unknown) => this.#options.onEvent?.({ type: 'error', error }));
      this.#options.onEvent?.({ type: 'gave-up', failures: this.failures });
    }
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#judge !== undefined) clearTimeout(this.#judge);
    await this.#watcher.close();
    await this.#chain;
  }
}
