import { randomInt } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface SeededRandom {
  seed: number;
  /** Like Math.random: [0, 1), but the same sequence for the same seed. */
  random(): number;
}

/**
 * A reproducible source of randomness for a test: the seed comes from the environment variable `envName`, else it is
 * drawn at random, and it is printed either way, so a failing run can be replayed with `envName=<seed>`.
 */
export function seededRandom(envName: string, label: string): SeededRandom {
  const given = process.env[envName];
  const seed = given === undefined || given === '' ? randomInt(2 ** 31) : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`${envName} must be a whole number, not ${JSON.stringify(given)}`);
  console.error(`${label}: seed ${seed.toString()} (replay with ${envName}=${seed.toString()})`);
  const rng = xoroshiro128plus(seed);
  return { seed, random: () => uniformFloat64(rng) };
}
