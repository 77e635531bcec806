// What sv writes to supervise/control, observed directly: the test itself plays runsv (holds
// `ok` and `control` open for reading, writes the status record) and reads the bytes each sv
// sends. Covers every command's acts (SV-3), duplicate suppression (SV-8) and the `k` after a
// kill-timeout (SV-12), for real sv and ours on the same fake supervisor.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { packStatus } from '../../src/protocol/status.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { normalise, runSv } from './sv-harness.js';

const COMMANDS = [
  'u', 'd', 'o', 'p', 'c', 'h', 'a', 'i', 'q', '1', '2', 't', 'k', 'x', 'e', 'up', 'down', 'exit',
  'start', 'stop', 'reload', 'restart', 'shutdown', 'try-restart', 'check', 'force-stop',
  'force-reload', 'force-restart', 'force-shutdown', 'X', 'E', 'D', 'T',
];

/** The commands whose sending depends on want/got TERM (SV-8). */
const SUPPRESSIBLE = ['u', 'd', 'up', 'down', 'start', 'stop', 'D', 'force-stop', 'o', 'x'];

const RECORDS = {
  'run, want up': { fields: { pid: 4242, want: 'up', gotTerm: false, state: 1 }, commands: COMMANDS },
  'run, want down': { fields: { pid: 4242, want: 'down', gotTerm: false, state: 1 }, commands: SUPPRESSIBLE },
  'run, want down, got TERM': { fields: { pid: 4242, want: 'down', gotTerm: true, state: 1 }, commands: SUPPRESSIBLE },
  'down, want up': { fields: { pid: 0, want: 'up', gotTerm: false, state: 0 }, commands: SUPPRESSIBLE },
  'finish, want down': { fields: { pid: 4343, want: 'down', gotTerm: false, state: 2 }, commands: SUPPRESSIBLE },
} as const;

/** A fake supervisor: this process holds `ok` and `control` open for reading. */
class FakeSupervisor {
  readonly dir: string;
  private readonly ok: number;
  private readonly control: number;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'supervise'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'supervise', 'ok'), join(dir, 'supervise', 'control')]);
    this.ok = openSync(join(dir, 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK);
    this.control = openSync(join(dir, 'supervise', 'control'), constants.O_RDONLY | constants.O_NONBLOCK);
  }
  /** Everything written to control since the last drain. */
  drain(): string {
    const buffer = Buffer.alloc(256);
    let text = '';
    for (;;) {
      try {
        const count = readSync(this.control, buffer, 0, buffer.length, null);
        if (count <= 0) return text;
        text += buffer.toString('latin1', 0, count);
      } catch {
        return text;
      }
    }
  }
  close(): void {
    closeSync(this.ok);
    closeSync(this.control);
  }
}

describe('bytes sv sends (SV-3, SV-8, SV-12)', { skip: NEEDS_RUNIT, concurrency: 5 }, () => {
  let root: string;
  const fakes: FakeSupervisor[] = [];
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sv-bytes-'));
  });
  after(() => {
    for (const fake of fakes) fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  Object.entries(RECORDS).forEach(([label, { fields, commands }], index) => {
    test(`status "${label}": each command sends the same bytes and prints the same lines`, async () => {
      // One fake per sv, so both run at once without mixing their bytes.
      const real = new FakeSupervisor(join(root, `real${index}`, 'fake'));
      const ours = new FakeSupervisor(join(root, `ours${index}`, 'fake'));
      fakes.push(real, ours);
      const since = { seconds: Math.floor(Date.now() / 1000) - 100, nanoseconds: 500 };
      for (const fake of [real, ours]) {
        writeFileSync(join(fake.dir, 'supervise', 'status'), packStatus({ ...fields, since, isPaused: false }));
      }
      for (const command of commands) {
        const args = ['-w', '0', command, './fake'];
        const [realRun, ourRun] = await Promise.all([
          runSv(realBin('sv'), args, { cwd: join(real.dir, '..') }),
          runSv(ourBin('sv'), args, { cwd: join(ours.dir, '..') }),
        ]);
        const what = `${label}: sv ${args.join(' ')}`;
        assert.equal(ours.drain(), real.drain(), `bytes sent, ${what}`);
        assert.equal(normalise(ourRun.stdout, []), normalise(realRun.stdout, []), `stdout, ${what}`);
        assert.equal(ourRun.stderr, realRun.stderr, `stderr, ${what}`);
        assert.equal(ourRun.code, realRun.code, `exit code, ${what}`);
      }
    });
  });
});
