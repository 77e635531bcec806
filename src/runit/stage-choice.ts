/**
 * Which stage scripts the init may run, and which tree stage 2 is (issue 14, fault 0). runit's
 * own init refuses to run unless it is PID 1, because its stage scripts are the machine's: on a
 * system with runit installed, /etc/runit/3 stops every service of the machine's tree. Ours also
 * runs as a subreaper and in containers, so the system's scripts run only when this init really
 * is the system's init: as PID 1 without DIR. Anywhere else stage scripts run only when asked
 * for (`-s DIR` or RUNIT_STAGE_DIR), and never the system's directory unless PID 1.
 */
import { realpathSync } from 'node:fs';
import { DEFAULT_SERVICE_DIR, DEFAULT_STAGE_DIR, hasStage, stagePath } from './stages.js';

export interface StageRequest {
  /** `-s DIR`, or RUNIT_STAGE_DIR; undefined when neither was given. */
  askedStageDir: string | undefined;
  /** The DIR operand. */
  serviceDir: string | undefined;
  isPid1: boolean;
  /** The system's stage directory (tests pass another). */
  systemStageDir?: string;
}

export type StageChoice =
  | {
      /** undefined: no stage script runs at all. */
      stageDir: string | undefined;
      /** The tree for stage 2; undefined runs the stage-2 script. */
      serviceDir: string | undefined;
    }
  /** The init must not start: the text after `runit: fatal: `. */
  | { refusal: string };

export function chooseStages(request: StageRequest): StageChoice {
  const systemDir = request.systemStageDir ?? DEFAULT_STAGE_DIR;
  const { askedStageDir, serviceDir, isPid1 } = request;
  if (askedStageDir !== undefined && !isPid1 && isSameDir(askedStageDir, systemDir)) {
    return { refusal: `must be run as process no 1 to run the system's stage scripts in ${systemDir}.` };
  }
  // Container mode (`runit DIR`): no stage script unless asked for.
  if (serviceDir !== undefined) return { stageDir: askedStageDir, serviceDir };
  const stageDir = askedStageDir ?? (isPid1 ? systemDir : undefined);
  if (stageDir !== undefined && hasStage(stagePath(stageDir, 2))) return { stageDir, serviceDir: undefined };
  // Without a stage-2 script stage 2 is /etc/service: the system's tree, for the system's init alone.
  if (!isPid1) return { refusal: 'must be run as process no 1 without dir.' };
  return { stageDir, serviceDir: DEFAULT_SERVICE_DIR };
}

/** The same directory by its real path (a symlink or `..` must not get past the rule). */
function isSameDir(a: string, b: string): boolean {
  return realPath(a) === realPath(b);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
