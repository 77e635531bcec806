// The Client's errors without a supervisor: the path is said once, and waitFor waits (for a
// supervisor, then for the state) instead of failing at once (issue 17).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, OpError, RunitError } from '../../../src/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

test('an OpError names the service directory once', async (t) => {
  const dir = join(makeTempDir(t), 'svc');
  mkdirSync(dir);
  for (const [op, call] of [
    ['status', () => new Client(dir).status()],
    ['down', () => new Client(dir, { retry: { attempts: 1 } }).down()],
  ] as const) {
    const error = await call().then(
      () => assert.fail(`${op} succeeded`),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof OpError, op);
    assert.equal(error.code, 'ERR_NOT_SUPERVISED', op);
    assert.equal(occurrences(error.message, dir), 1, `${op}: ${error.message}`);
    assert.ok(error.message.startsWith(`${op} ${dir}: `), error.message);
  }
});

test('waitFor on a directory no supervisor holds waits until its timeout, then says why', async (t) => {
  const dir = join(makeTempDir(t), 'svc');
  mkdirSync(dir);
  const started = Date.now();
  const error = await new Client(dir).waitFor('run', 300).then(
    () => assert.fail('waitFor resolved'),
    (caught: unknown) => caught,
  );
  assert.ok(Date.now() - started >= 290, 'it waited');
  assert.ok(error instanceof OpError);
  assert.equal(error.code, 'ERR_TIMEOUT');
  assert.ok(error.cause instanceof RunitError && error.cause.cause instanceof RunitError);
  assert.equal(error.cause.cause.code, 'ERR_NOT_SUPERVISED', 'the last refusal is kept as the cause');
  assert.equal(occurrences(error.message, dir), 1, error.message);
  const aborted = new Client(dir).waitFor('run', 60_000, { signal: AbortSignal.timeout(50) });
  await assert.rejects(aborted, { code: 'ERR_ABORTED' });
});
