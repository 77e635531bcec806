import type { SiblingState } from '../../../src/runsv/dependencies.js';
import type { ExtensionEffects } from '../../../src/runsv/extensions.js';
import type { ServiceNotes } from '../../../src/runsv/readiness.js';
import type { BackoffInfo } from '../../../src/protocol/readiness.js';
import type { Tai64n } from '../../../src/protocol/tai64n.js';
import type { FakeEffects } from './fake-effects.js';

/** The extension files' side effects, recorded; signals go to the FakeEffects' event list. */
export class FakeExtensionEffects implements ExtensionEffects {
  readonly effects: FakeEffects;
  ready: Tai64n | undefined;
  readonly readyWrites: (Tai64n | undefined)[] = [];
  backoff: BackoffInfo | undefined;
  readonly backoffWrites: (BackoffInfo | undefined)[] = [];
  notes: ServiceNotes | undefined;
  readonly siblings = new Map<string, SiblingState>();
  readonly siblingDeps = new Map<string, string[]>();

  constructor(effects: FakeEffects) {
    this.effects = effects;
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    this.effects.signal(pid, signal);
  }

  writeReady(stamp: Tai64n | undefined): void {
    this.ready = stamp;
    this.readyWrites.push(stamp);
    this.effects.events.push(stamp === undefined ? 'ready removed' : 'ready written');
  }

  writeBackoff(info: BackoffInfo | undefined): void {
    this.backoff = info;
    this.backoffWrites.push(info);
  }

  writeNotes(notes: ServiceNotes | undefined): void {
    this.notes = notes;
  }

  siblingState(name: string): SiblingState {
    return this.siblings.get(name) ?? 'missing';
  }

  siblingDependencies(name: string): readonly string[] {
    return this.siblingDeps.get(name) ?? [];
  }

  warn(text: string): void {
    this.effects.warn(text);
  }
}
