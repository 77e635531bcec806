// CI runs the README's test command (issue 17): .ci/run performs each step of the README's second
// set-up command, in order, ending with the suite on every supported Node (npm run test:all).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';

function readmeTestCommand(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const lines = readme.slice(readme.indexOf('## Set-up')).split('\n');
  const comment = lines.findIndex((line) => line.startsWith('# 2. '));
  assert.notEqual(comment, -1, 'the README has a second set-up command');
  return lines[comment + 1]!.split(' && ');
}

test('.ci/run runs exactly the steps of the README\'s test command, in order', () => {
  const steps = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const wanted = readmeTestCommand();
  let at = 0;
  for (const step of steps) if (step === wanted[at]) at++;
  assert.equal(at, wanted.length, `.ci/run lacks "${wanted[at]}" (in order: ${wanted.join(' && ')})`);
  assert.equal(steps.at(-1), wanted.at(-1), 'the suite is the last thing CI runs');
});

test('the README\'s test command runs the suite on every supported Node', () => {
  assert.equal(readmeTestCommand().at(-1), 'npm run test:all');
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(manifest.scripts['test:all'], 'sh scripts/test-all.sh');
  const script = readFileSync(join(REPO_ROOT, 'scripts', 'test-all.sh'), 'utf8');
  for (const major of ['24', '22']) assert.match(script, new RegExp(`^(PINNED=')?${major}\\.\\d+\\.\\d+ sha512-`, 'm'), `Node ${major} is pinned`);
});
