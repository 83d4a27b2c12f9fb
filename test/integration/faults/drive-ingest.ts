// Feeds a scenario's files to the stack under test: uploads in the scenario's order, duplicate
// notifications of objects already uploaded, and SIGKILLs of the whole stack at random moments (after an
// upload, while the queue is busy, or once every file is in), each followed by a restart.
import type { ExportFile } from './export-files.js';
import type { Scenario } from './scenarios.js';
import type { SeededRandom } from './seeded-random.js';
import type { StackUnderTest } from './stack-control.js';
import { INGEST_PREFIX, StackInputs, type UploadedObject } from './stack-inputs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upload positions after which the stack is killed; `files.length` means once every file is in. */
function killPoints(random: SeededRandom, kills: number, files: number): number[] {
  return Array.from({ length: kills }, () => random.between(Math.min(1, files), files)).sort((a, b) => a - b);
}

/**
 * Uploads every file (under `incoming/<run>/`) and returns what was uploaded, objects put twice included
 * once per ETag. The stack is running when this resolves; the ingest may still be busy.
 */
export async function driveIngest(
  stack: StackUnderTest,
  files: readonly ExportFile[],
  scenario: Scenario,
  random: SeededRandom,
): Promise<UploadedObject[]> {
  const order = scenario.shuffled ? random.shuffle(files) : [...files];
  const kills = killPoints(random, scenario.kills, order.length);
  const uploaded: UploadedObject[] = [];
  const keyOf = (file: ExportFile) => `${INGEST_PREFIX}${file.name}`;
  let inputs = new StackInputs(stack.s3Endpoint, stack.apiUrl);

  const killAndRestart = async (afterMs: number) => {
    await sleep(afterMs);
    inputs.close();
    await stack.restart();
    inputs = new StackInputs(stack.s3Endpoint, stack.apiUrl);
  };

  const duplicateNotification = async (done: readonly ExportFile[]) => {
    const file = random.pick(done);
    // A replay names a prefix; no file name is the start of another, so this key is the only match.
    if (random.chance(0.5)) await inputs.replay(keyOf(file));
    else uploaded.push(await inputs.upload(keyOf(file), file.path));
  };

  try {
    for (const [index, file] of order.entries()) {
      uploaded.push(await inputs.upload(keyOf(file), file.path));
      const done = order.slice(0, index + 1);
      for (let extra = scenario.duplicates; extra > 0; extra--) {
        if (random.chance(Math.min(1, extra))) await duplicateNotification(done);
      }
      for (const point of kills) {
        if (point !== index + 1) continue;
        // After the last upload the queue drains for a while: a kill then may land later.
        await killAndRestart(point === order.length ? random.between(500, 4_000) : random.between(0, 1_500));
      }
    }
  } finally {
    inputs.close();
  }
  return uploaded;
}
