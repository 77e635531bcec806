/** Every stress scenario, in the order a full run takes them. */
import type { StressScenario } from './common.js';
import { CHURN } from './churn.js';
import { CONTROL } from './control.js';
import { HANG } from './hang.js';
import { LOG_LINES } from './log-lines.js';
import { MEMORY } from './memory.js';
import { ZOMBIES } from './zombies.js';

export const STRESS_SCENARIOS: readonly StressScenario[] = [LOG_LINES, ZOMBIES, CONTROL, MEMORY, CHURN, HANG];
