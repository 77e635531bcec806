/**
 * runsvdir as a library: the scanner, the two hosts and the service tree. The runit init
 * (src/runit/) imports this module, the one exception to "no program imports another" besides
 * runsv/index.ts.
 */
export { Scanner, MAX_SERVICES, type HostedService, type ServiceHost, type ScannerOptions } from './scanner.js';
export { ProcessHost, type ProcessHostOptions, type RunsvProcess } from './host-process.js';
export { InProcessHost, type InProcessHostOptions, type InProcessService, type StartSupervisor } from './host-inprocess.js';
export { ServiceTree, type TreeOptions, type ShutdownResult } from './tree.js';
export { loadStartSupervisor } from './load-supervisor.js';
export { installFaultWall } from './fault-wall.js';
export { holdYoungGeneration } from './young-generation.js';
