import type { ChildExit, StatusFiles } from '../../../src/runsv/record.js';
import type { ChildKind, StartResult, SupervisorEffects } from '../../../src/runsv/supervisor.js';
import type { Notice } from '../../../src/runsv/notice.js';
import { unpackStatus, type StatusRecord } from '../../../src/protocol/status.js';

export interface Started {
  kind: ChildKind;
  args: readonly string[];
  pid: number;
  exit: (exit: ChildExit) => void;
  /** What ./run's notification channel would deliver (readiness), when it has one. */
  notice: ((notice: Notice) => void) | undefined;
}

/** Records what the Supervisor asks for; the test decides when children exit. */
export class FakeEffects implements SupervisorEffects {
  readonly events: string[] = [];
  readonly started: Started[] = [];
  readonly status: { main?: StatusRecord; log?: StatusFiles & { record: StatusRecord } } = {};
  readonly statText: { main: string[]; log: string[] } = { main: [], log: [] };
  readonly pidText: { main: string[]; log: string[] } = { main: [], log: [] };
  readonly warnings: string[] = [];
  hasFinish = false;
  execFails = false;
  /** Hooks that exist, with whether they "handle" (exit 0). */
  hooks = new Map<string, boolean>();
  private nextPid = 100;

  async start(
    kind: ChildKind,
    args: readonly string[],
    onExit: (exit: ChildExit) => void,
    onNotice?: (notice: Notice) => void,
  ): Promise<StartResult> {
    this.events.push(`start ${kind}${args.length ? ' ' + args.join(' ') : ''}`);
    if (this.execFails) return { kind: 'exec-failed' };
    const pid = this.nextPid++;
    this.started.push({ kind, args, pid, exit: onExit, notice: onNotice });
    return { kind: 'started', pid };
  }

  async runHook(c: string): Promise<boolean> {
    if (!this.hooks.has(c)) return false;
    this.events.push(`hook ${c}`);
    return this.hooks.get(c)!;
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    this.events.push(`signal ${pid} ${signal}`);
  }

  canReadFinish(): boolean {
    return this.hasFinish;
  }

  writeStatus(isLog: boolean, files: StatusFiles): void {
    const record = unpackStatus(files.status)!;
    const which = isLog ? 'log' : 'main';
    if (isLog) this.status.log = { ...files, record };
    else this.status.main = record;
    this.statText[which].push(files.stat);
    if (files.pid !== undefined) this.pidText[which].push(files.pid);
  }

  closeLogPipe(): void {
    this.events.push('close logpipe');
  }

  resumeControl(isLog: boolean): void {
    this.events.push(`resume control ${isLog ? 'log' : 'main'}`);
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  last(kind: ChildKind): Started {
    const found = this.started.filter((s) => s.kind === kind).at(-1);
    if (!found) throw new Error(`no ${kind} child was started`);
    return found;
  }
}
