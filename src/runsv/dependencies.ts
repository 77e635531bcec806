/**
 * `dependencies.d/NAME` (s6-rc's name): ./run does not start until each sibling NAME (the
 * service directory `../NAME`) is ready, or up when NAME declares no readiness. Checked before
 * every start of ./run; a service already running is never stopped because a dependency died.
 * While waiting, the siblings' `supervise/` files are read every POLL_MILLIS (no inotify: the
 * sibling may not even exist yet), and every reason for waiting is reported once, as it changes.
 * A dependency that leads back to this service (a cycle) is reported and not waited for.
 */
import type { Clock } from '../clock.js';

export type SiblingState = 'missing' | 'unsupervised' | 'down' | 'not-ready' | 'satisfied';

export interface DependencyEffects {
  /** What `../NAME` looks like now. */
  siblingState(name: string): SiblingState;
  /** The names in `../NAME/dependencies.d`, for cycle detection. */
  siblingDependencies(name: string): readonly string[];
  warn(text: string): void;
}

const POLL_MILLIS = 200;

const WHY: Readonly<Record<Exclude<SiblingState, 'satisfied'>, string>> = {
  missing: 'no such service',
  unsupervised: 'not supervised',
  down: 'not up',
  'not-ready': 'not ready',
};

/** The dependencies that lead back to `self`, each with the path that shows it. */
export function findCycles(
  self: string,
  direct: readonly string[],
  dependenciesOf: (name: string) => readonly string[],
): Map<string, string[]> {
  const cycles = new Map<string, string[]>();
  for (const first of direct) {
    const seen = new Set<string>();
    const walk = (name: string, path: string[]): string[] | undefined => {
      if (name === self) return path;
      if (seen.has(name)) return undefined;
      seen.add(name);
      for (const next of dependenciesOf(name)) {
        const found = walk(next, [...path, next]);
        if (found) return found;
      }
      return undefined;
    };
    const path = walk(first, [self, first]);
    if (path) cycles.set(first, path);
  }
  return cycles;
}

export class Dependencies {
  readonly #effects: DependencyEffects;
  readonly #clock: Clock;
  readonly #names: readonly string[];
  readonly #reported = new Map<string, SiblingState>();
  #cancelPoll: (() => void) | undefined;

  constructor(effects: DependencyEffects, clock: Clock, self: string, names: readonly string[]) {
    this.#effects = effects;
    this.#clock = clock;
    const cycles = findCycles(self, names, (name) => effects.siblingDependencies(name));
    for (const [name, path] of cycles) effects.warn(`dependency cycle: ${path.join(' -> ')}, not waiting for ${name}`);
    this.#names = names.filter((name) => !cycles.has(name));
  }

  get names(): readonly string[] {
    return this.#names;
  }

  mayStart(recheck: () => void): boolean {
    if (this.#isSatisfied()) return true;
    this.#cancelPoll ??= this.#clock.setTimer(POLL_MILLIS, () => {
      this.#cancelPoll = undefined;
      recheck();
    });
    return false;
  }

  #isSatisfied(): boolean {
    let isSatisfied = true;
    for (const name of this.#names) {
      const state = this.#effects.siblingState(name);
      if (state !== 'satisfied') {
        isSatisfied = false;
        if (this.#reported.get(name) !== state) this.#effects.warn(`waiting for dependency ${name}: ${WHY[state]}`);
      }
      this.#reported.set(name, state);
    }
    return isSatisfied;
  }
}
