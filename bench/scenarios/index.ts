/** Every scenario, in the order the report lists them. */
import type { Scenario } from '../lib/scenario.js';
import { cli } from './cli.js';
import { control } from './control.js';
import { crashLoop } from './crash-loop.js';
import { memory } from './memory.js';
import { memoryLogged } from './memory-logged.js';
import { pickup } from './pickup.js';
import { restart } from './restart.js';
import { startup } from './startup.js';
import { svlogd } from './svlogd.js';

export const SCENARIOS: readonly Scenario[] = [memory, memoryLogged, svlogd, restart, control, pickup, startup, cli, crashLoop];
