// One seed for every fast-check property of a test run. CI pins it (FC_SEED, else PINNED_SEED), so
// a red CI run fails again on a laptop; elsewhere each run draws a new seed and explores further.
// Either way a failing property prints `{ seed: ..., path: ... }`: FC_SEED=<seed> replays it.
import fc from 'fast-check';

/** The seed of CI runs when FC_SEED is not set. */
export const PINNED_SEED = 19;

function seedOf(env: NodeJS.ProcessEnv): number | undefined {
  const given = env.FC_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer (a seed fast-check printed), got "${given}"`);
    return seed;
  }
  return env.CI ? PINNED_SEED : undefined;
}

const seed = seedOf(process.env);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
