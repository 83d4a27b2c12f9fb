// `npm run soak`: the fault suite with bigger inputs, round after round (see SOAK_USAGE). Prints one line
// per scenario and stops at the first round whose counts are not all zero, naming its seed.
import { usageErrorText } from '../../../cli/command-line.js';
import { FaultRun, type ScenarioReport, summaryLine } from './fault-run.js';
import { scenarioNamed } from './scenarios.js';
import { parseSoakSettings, SOAK_USAGE, type SoakSettings } from './settings.js';

const clean = (report: ScenarioReport) =>
  report.lost === 0 &&
  report.duplicated === 0 &&
  report.unexpected === 0 &&
  report.sessionMismatches === 0 &&
  (report.changedByReplay ?? 0) === 0;

let current: FaultRun | undefined;

/** Ctrl-C or a kill: the stack under test is in a process group of its own, so stop it before leaving. */
function stopOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.log(`soak: ${signal}, stopping the stack under test...`);
      void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
}

async function soak(settings: SoakSettings): Promise<number> {
  const deadline = settings.minutes === undefined ? undefined : Date.now() + settings.minutes * 60_000;
  for (let round = 0; round < settings.rounds; round++) {
    if (round > 0 && deadline !== undefined && Date.now() >= deadline) break;
    const seed = (settings.seed + round) % 2 ** 32;
    console.log(`soak: round ${round + 1}, seed ${seed}`);
    const run = new FaultRun({ seed, shape: settings.shape, settleTimeoutMs: settings.settleTimeoutMs });
    current = run;
    try {
      for (const name of settings.scenarios) {
        const scenario = scenarioNamed(name);
        if (scenario.pending !== undefined) {
          console.log(`faults: scenario=${name} pending: ${scenario.pending}`);
          continue;
        }
        const report = await run.run(scenario);
        console.log(summaryLine(report));
        if (!clean(report)) {
          console.error(`${report.examples.join('\n')}\nsoak: failed; re-run with --seed ${seed} --rounds 1`);
          return 1;
        }
      }
    } finally {
      await run.close();
      current = undefined;
    }
  }
  return 0;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SOAK_USAGE);
    return 0;
  }
  let settings: SoakSettings;
  try {
    settings = parseSoakSettings(argv, process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(usageErrorText('soak', message, 'npm run soak --'));
    return 2;
  }
  stopOnSignals();
  try {
    return await soak(settings);
  } catch (error) {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main();
