/** Every scenario, in the order the report lists them. */
import type { Scenario } from '../lib/scenario.js';
import { cli } from './cli.js';
import { control } from './control.js';
import { crashLoop } from './crash-loop.js';
import { restart } from './restart.js';

export const SCENARIOS: readonly Scenario[] = [control, restart, crashLoop, cli];
