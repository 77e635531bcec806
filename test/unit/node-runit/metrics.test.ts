// The exposition text and the health verdict (issue 21), checked with a strict parser that is
// itself shown to reject what Prometheus rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMetrics, healthOf } from '../../../src/node-runit/metrics.js';
import type { ServiceView } from '../../../src/node-runit/services.js';
import { parsePrometheusText, sampleOf } from '../../helpers/prometheus-text.js';

const stats = { version: 1, pid: 7, supervisorSince: 0, restarts: 4, totalStarts: 5, shortRuns: 0, isCrashLoop: false, lastExit: { code: null, signal: 9, at: 1, runMillis: 5 } };
const views: ServiceView[] = [
  { name: 'web "main"\\a\nb', dir: '/s/w', state: 'run', pid: 7, uptime: 12, want: 'up', normallyUp: true, isPaused: false, stats, cpuSeconds: 1.5, memoryBytes: 4096 },
  { name: 'idle', dir: '/s/i', state: 'down', pid: 0, uptime: 3, want: 'down', normallyUp: false, isPaused: false },
  { name: 'gone', dir: '/s/g', state: 'unsupervised', pid: 0, uptime: 0, want: 'up', normallyUp: true, isPaused: false, error: 'ERR_RUNSV_NOT_RUNNING' },
];

test('readiness (issue 18): a metric for services that declare it, and health waits for it', () => {
  const ready = (isReady: boolean): ServiceView => ({ name: `api-${isReady}`, dir: '/s/a', state: 'run', pid: 9, uptime: 1, want: 'up', normallyUp: true, isPaused: false, ready: isReady });
  const families = parsePrometheusText(formatMetrics([ready(true), ready(false), views[1]!]));
  assert.equal(sampleOf(families, 'runit_service_ready', 'api-true'), 1);
  assert.equal(sampleOf(families, 'runit_service_ready', 'api-false'), 0);
  assert.equal(sampleOf(families, 'runit_service_ready', 'idle'), undefined, 'no readiness declared: no sample');
  assert.deepEqual(healthOf([ready(true)]), { isHealthy: true, failing: [] });
  assert.deepEqual(healthOf([ready(false)]).failing, [{ service: 'api-false', state: 'run, not ready' }]);
});

test('held descriptors (issue 19): a sample for services with listen / fdstore-max only', () => {
  const holding: ServiceView = { name: 'web', dir: '/s/w', state: 'down', pid: 0, uptime: 1, want: 'up', normallyUp: true, isPaused: false, heldFds: 3 };
  const families = parsePrometheusText(formatMetrics([holding, views[1]!]));
  assert.equal(sampleOf(families, 'runit_service_held_fds', 'web'), 3);
  assert.equal(sampleOf(families, 'runit_service_held_fds', 'idle'), undefined);
});

test('every family parses strictly, labels escaped, unknown figures left out', () => {
  const families = parsePrometheusText(formatMetrics(views));
  const web = 'web "main"\\a\nb';
  assert.equal(families.get('runit_service_up')?.type, 'gauge');
  assert.equal(families.get('runit_service_restarts_total')?.type, 'counter');
  assert.equal(sampleOf(families, 'runit_service_up', web), 1);
  assert.equal(sampleOf(families, 'runit_service_up', 'idle'), 0);
  assert.equal(sampleOf(families, 'runit_service_restarts_total', web), 4);
  assert.equal(sampleOf(families, 'runit_service_restarts_total', 'idle'), undefined, 'real runit keeps no count');
  assert.equal(sampleOf(families, 'runit_service_last_exit_code', web), undefined);
  assert.equal(sampleOf(families, 'runit_service_last_exit_signal', web), 9);
  assert.equal(sampleOf(families, 'runit_service_uptime_seconds', web), 12);
  assert.equal(sampleOf(families, 'runit_service_cpu_seconds_total', web), 1.5);
  assert.equal(sampleOf(families, 'runit_service_memory_bytes', web), 4096);
  assert.equal(sampleOf(families, 'runit_service_uptime_seconds', 'gone'), undefined);
});

test('the parser rejects what Prometheus rejects', () => {
  for (const bad of [
    'a 1',
    'a{x="1"} 1\n# TYPE a gauge\n',
    '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n',
    '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n',
    '# TYPE a gauge\na{x="\\q"} 1\n',
    '# TYPE a gauge\na{x=1} 1\n',
    '# TYPE a gauge\na one\n',
    '# TYPE 1a gauge\n',
  ]) {
    assert.throws(() => parsePrometheusText(bad), Error, JSON.stringify(bad));
  }
});

test('healthy when every service that should be up runs; a crash loop or a dead supervisor is not', () => {
  assert.deepEqual(healthOf(views.slice(0, 2)), { isHealthy: true, failing: [] });
  assert.deepEqual(healthOf(views).failing, [{ service: 'gone', state: 'unsupervised' }]);
  const looping = { ...views[0]!, stats: { ...stats, isCrashLoop: true } };
  assert.deepEqual(healthOf([looping]).failing, [{ service: looping.name, state: 'run, crash loop' }]);
  assert.equal(healthOf([{ ...views[1]!, want: 'up' }]).isHealthy, false);
});
