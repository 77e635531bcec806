/**
 * The tree as Prometheus metrics (text exposition format 0.0.4) and a health verdict for
 * orchestrators' probes. Pure functions of the services' views; http.ts serves them.
 */
import type { ServiceView } from './services.js';

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  /** The sample of one service; undefined when the figure is unknown (then no sample). */
  value: (view: ServiceView) => number | undefined;
}

const FAMILIES: readonly Family[] = [
  { name: 'runit_service_up', type: 'gauge', help: 'Whether the service runs (state run): 1 or 0.', value: (v) => (v.state === 'run' ? 1 : 0) },
  {
    name: 'runit_service_ready',
    type: 'gauge',
    help: 'Whether the current instance is ready: 1 or 0 (services that declare readiness, docs/extensions.md).',
    value: (v) => (v.ready === undefined ? undefined : v.ready && v.state === 'run' ? 1 : 0),
  },
  {
    name: 'runit_service_held_fds',
    type: 'gauge',
    help: 'Descriptors the supervisor holds for the service: bound listen sockets and the fd store (docs/extensions.md).',
    value: (v) => v.heldFds,
  },
  {
    name: 'runit_service_want_up',
    type: 'gauge',
    help: 'Whether the supervisor is asked to keep the service up: 1 or 0.',
    value: (v) => (v.state === 'unsupervised' || v.state === 'error' ? undefined : v.want === 'up' ? 1 : 0),
  },
  {
    name: 'runit_service_restarts_total',
    type: 'counter',
    help: 'Starts of ./run after the first since the supervisor started (node-runit supervisors only).',
    value: (v) => v.stats?.restarts,
  },
  {
    name: 'runit_service_last_exit_code',
    type: 'gauge',
    help: 'Exit code of the last run that ended by exiting (node-runit supervisors only).',
    value: (v) => v.stats?.lastExit?.code ?? undefined,
  },
  {
    name: 'runit_service_last_exit_signal',
    type: 'gauge',
    help: 'Signal number that ended the last run, when a signal did (node-runit supervisors only).',
    value: (v) => (v.stats?.lastExit?.code === null ? v.stats.lastExit.signal : undefined),
  },
  {
    name: 'runit_service_crash_loop',
    type: 'gauge',
    help: 'Whether the service is in a crash loop: 1 or 0 (node-runit supervisors only).',
    value: (v) => (v.stats === undefined ? undefined : v.stats.isCrashLoop ? 1 : 0),
  },
  {
    name: 'runit_service_uptime_seconds',
    type: 'gauge',
    help: 'Seconds in the current state.',
    value: (v) => (v.state === 'unsupervised' || v.state === 'error' ? undefined : v.uptime),
  },
  { name: 'runit_service_cpu_seconds_total', type: 'counter', help: "CPU seconds (user + system) of the service's live process tree.", value: (v) => v.cpuSeconds },
  { name: 'runit_service_memory_bytes', type: 'gauge', help: "Resident memory of the service's process tree in bytes.", value: (v) => v.memoryBytes },
];

/** A label value as the format wants it: backslash, double quote and newline escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The exposition text: each family's HELP, TYPE and one sample per service that has the figure. */
export function formatMetrics(views: readonly ServiceView[]): string {
  let text = '';
  for (const family of FAMILIES) {
    text += `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n`;
    for (const view of views) {
      const value = family.value(view);
      if (value !== undefined) text += `${family.name}{service="${escapeLabel(view.name)}"} ${value}\n`;
    }
  }
  return text;
}

export interface Health {
  isHealthy: boolean;
  /** The services that should be up and are not, with their state. */
  failing: Array<{ service: string; state: string }>;
}

/**
 * Healthy when every service that should be up runs, and is ready if it declares readiness:
 * wanted up by its supervisor, or, with no supervisor answering, normally up (no `down` file).
 * A crash loop is not up, even while a run lasts.
 */
export function healthOf(views: readonly ServiceView[]): Health {
  const failing = views
    .filter((view) => {
      const shouldBeUp = view.state === 'unsupervised' || view.state === 'error' ? view.normallyUp : view.want === 'up';
      return shouldBeUp && (view.state !== 'run' || view.stats?.isCrashLoop === true || view.ready === false);
    })
    .map((view) => ({ service: view.name, state: healthState(view) }));
  return { isHealthy: failing.length === 0, failing };
}

function healthState(view: ServiceView): string {
  if (view.stats?.isCrashLoop === true) return `${view.state}, crash loop`;
  return view.state === 'run' && view.ready === false ? 'run, not ready' : view.state;
}
