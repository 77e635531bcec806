/**
 * runsvdir as a library: the scanner, the two service runners and the service tree. The runit init
 * (src/runit/) imports this module, the one exception to "no program imports another" besides
 * runsv/index.ts.
 */
export { Scanner, MAX_SERVICES, type RunningService, type ServiceRunner, type ScannerOptions } from './scanner.js';
export { RunsvProcesses, type RunsvProcessesOptions, type RunsvProcess } from './runsv-processes.js';
export { InProcessSupervisors, type InProcessSupervisorsOptions, type InProcessService, type StartSupervisor } from './in-process-supervisors.js';
export { ServiceTree, type TreeOptions, type ShutdownResult } from './tree.js';
export { loadStartSupervisor } from './load-supervisor.js';
export { installFaultWall } from './fault-wall.js';
export { holdYoungGeneration } from './young-generation.js';
