/** Every scenario, in the order the report lists them. */
import type { Scenario } from '../lib/scenario.js';
import { cli } from './cli.js';
import { control } from './control.js';
import { controlLogging } from './control-logging.js';
import { crashLoop } from './crash-loop.js';
import { memory } from './memory.js';
import { memoryLogged } from './memory-logged.js';
import { memoryLoggedRunsv } from './memory-logged-runsv.js';
import { pickup } from './pickup.js';
import { restart } from './restart.js';
import { startup } from './startup.js';
import { svlogd } from './svlogd.js';
import { svlogdInline } from './svlogd-inline.js';

export const SCENARIOS: readonly Scenario[] = [memory, memoryLogged, memoryLoggedRunsv, svlogd, svlogdInline, restart, control, controlLogging, pickup, startup, cli, crashLoop];
