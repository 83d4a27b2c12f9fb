import { deployableStageNames } from '../../lib/config/stages.js';

/** Why `stage` cannot be a script's target (it is no deployed stage), or undefined: checked with the arguments. */
export function notDeployedStage(stage: string): string | undefined {
  if ((deployableStageNames as readonly string[]).includes(stage)) return undefined;
  return `--stage ${stage} is not a deployed stage; the stages are ${deployableStageNames.join(', ')}`;
}
