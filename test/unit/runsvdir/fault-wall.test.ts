// An exception escaping one in-process Supervisor's callback is reported; the process goes on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../helpers/binaries.js';

test('an uncaught throw and an unhandled rejection are reported, and the process lives on', () => {
  const module = join(REPO_ROOT, 'dist/src/runsvdir/fault-wall.js');
  const script = `
    const { installFaultWall } = await import(${JSON.stringify(module)});
    installFaultWall((text) => process.stdout.write('warn: ' + text.split(' | ')[0] + '\\n'));
    setTimeout(() => { throw new Error('one supervisor broke'); }, 0);
    setTimeout(() => Promise.reject(new Error('another one')), 10);
    setTimeout(() => process.stdout.write('others still running\\n'), 50);
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    'warn: internal error, continuing: Error: one supervisor broke\n' +
      'warn: internal error, continuing: Error: another one\n' +
      'others still running\n',
  );
});
