// Set up before every test file (vitest.config.ts): each fast-check property that names no seed of its own
// takes the run's SEED; this is the one place that reads it (a test names no `seed:` of its own unless it
// means a fixed one). `SEED=<seed> npx vitest run <file>`
// then draws again the inputs of a run that failed (fast-check's message names the seed), whichever property
// of the file it was. Without SEED the seed is the time: each run draws other inputs, as before.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.SEED ?? Date.now()) });
