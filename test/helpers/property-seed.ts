/**
 * The seed of a property test: `FC_SEED` when set (to replay a failure), else a fresh one. It is printed, so a
 * failing run can always be reproduced with `FC_SEED=<seed> npx vitest run <file>`.
 */
export function propertySeed(name: string): number {
  const given = process.env['FC_SEED'];
  const seed = given === undefined || given === '' ? Math.floor(Math.random() * 2 ** 31) : Number(given);
  console.error(`${name}: fast-check seed ${seed.toString()} (replay: FC_SEED=${seed.toString()})`);
  return seed;
}
