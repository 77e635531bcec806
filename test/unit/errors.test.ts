// runit's errno texts (GEN-2), never glibc's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errnoText, errorText, isErrnoName, OpError, RunitError, SysError } from '../../src/errors.js';

test('GEN-2 texts, including the EPERM/EACCES distinction', () => {
  assert.equal(errnoText('ENOENT'), 'file does not exist');
  assert.equal(errnoText('EPERM'), 'permission denied');
  assert.equal(errnoText('EACCES'), 'access denied');
  assert.equal(errnoText('EAGAIN'), 'temporary failure');
  assert.equal(errnoText('ENXIO'), 'device not configured');
  assert.equal(errnoText('ENOTRECOVERABLE'), 'unknown error');
  assert.equal(errnoText(undefined), 'no error');
});

test('SysError carries the errno name as code', () => {
  const error = new SysError('flock', 11);
  assert.equal(error.code, 'EAGAIN');
  assert.equal(errorText(error), 'temporary failure');
  assert.equal(errorText(Object.assign(new Error('x'), { code: 'ENOTDIR' })), 'not a directory');
});

test('one hierarchy: every error class of the library is a RunitError with a stable code', async () => {
  const { ManagerError } = await import('../../src/client/manager.js');
  const { SupervisorStartError } = await import('../../src/runsv/errors.js');
  const { SvlogdFatalError } = await import('../../src/svlogd/jobs.js');
  const { ChpstFailure } = await import('../../src/chpst/options.js');
  const { SvExit } = await import('../../src/sv/context.js');
  const manager = new ManagerError({ results: new Map(), errors: [new OpError('up', 'a', new SysError('open', 2))] }, 'up');
  const cases: [RunitError, string][] = [
    [new SysError('flock', 11), 'EAGAIN'],
    [new OpError('up', 'a', new RunitError('ERR_TIMEOUT', 'late')), 'ERR_TIMEOUT'],
    [manager, 'ERR_MANAGER'],
    [new SupervisorStartError('unable to lock supervise/lock: temporary failure'), 'ERR_SUPERVISOR_START'],
    [new SvlogdFatalError('no functional log directories.'), 'ERR_SVLOGD_FATAL'],
    [ChpstFailure.plain('unknown account: x'), 'ERR_CHPST'],
    [ChpstFailure.sys('unable to setuid: ', new SysError('setuid', 1)), 'EPERM'],
    [SvExit.fatal(), 'ERR_SV_FATAL'],
    [new SvExit(3), 'ERR_SV_LSB_STATUS'],
  ];
  for (const [error, code] of cases) {
    assert.ok(error instanceof RunitError, `${error.name} is a RunitError`);
    assert.ok(error instanceof Error);
    assert.equal(error.code, code);
    assert.ok(!('exitCode' in error), `${error.name} leaves exit codes to the cli`);
  }
  assert.ok(manager instanceof AggregateError, 'ManagerError stays an AggregateError');
  assert.equal(manager.errors[0]?.code, 'ENOENT');
});

test('subclasses keep the ordinary instanceof test', () => {
  const sys = new SysError('flock', 11);
  assert.ok(sys instanceof SysError);
  assert.ok(!(sys instanceof OpError));
  assert.ok(!(new RunitError('ERR_SYS', 'x') instanceof SysError));
  assert.ok(!(new Error('x') instanceof RunitError));
  assert.ok(!(Object.assign(new Error('x'), { code: 'ERR_SYS' }) instanceof RunitError));
});

test('errno names are told from Node ERR_ codes', () => {
  assert.ok(isErrnoName('ENOENT'));
  assert.ok(isErrnoName('E2BIG'));
  assert.ok(isErrnoName('E531'));
  assert.ok(!isErrnoName('ERR_INVALID'));
  assert.ok(!isErrnoName('ERR_SYS'));
});
