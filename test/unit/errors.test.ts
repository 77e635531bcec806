// runit's errno texts (GEN-2), never glibc's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errnoText, errorText, SysError } from '../../src/errors.js';

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
