/** The client library: control and status of supervised services without running sv. */
export { Client, type ClientOptions, type StatusPredicate, type WaitOptions } from './client.js';
export { Manager, ManagerError, type ManagerOptions, type Settled } from './manager.js';
export { watchStatus, type WatchOptions } from './watch.js';
export { StatusReader, type ReadOptions, type RunStatistics, type ServiceState, type Status } from './status.js';
export { SuperviseDir } from './supervise-dir.js';
export { FLAVOURS, emptyFlavourRecord, type Flavour, type FlavourRecord, type Operation } from './flavours.js';
export type { RetryOptions } from './control.js';
export {
  ServiceBuilder,
  quoteShellWord,
  quoteShellCommand,
  type FinishOptions,
  type LogOptions,
  type ProcessOptions,
  type ServiceLimits,
  type StderrTarget,
  type Timestamps,
  type ServiceFile,
  type ServiceFiles,
  type ReadinessOptions,
  type ReadinessProtocol,
} from './builder.js';
export { isReady } from './client.js';
export { dependencyLayers } from './dependency-order.js';
export type { BackoffFields, ServiceNotesFields } from './readiness.js';
export { DevTree, type DevTreeOptions, type DevServiceStatus, type Orphan, type StopOptions } from './dev-tree.js';
export { DEFAULT_IGNORED, RestartOnChange, type RestartEvent, type RestartOnChangeOptions } from './restart-on-change.js';
