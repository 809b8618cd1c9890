// Every combination of the injectable defects, at counts the tiny preset can carry.
import { DEFAULT_DEFECTS, type DefectOptions } from '../../src/generator/generate-options';

export const DEFECT_NAMES = Object.keys(DEFAULT_DEFECTS) as (keyof DefectOptions)[];

/** A count for each defect, small enough for the tiny preset's consenting customers with readings. */
export const TINY_DEFECT_COUNTS: Required<DefectOptions> = {
  malformedLines: 4,
  wrongTypes: 5,
  sharedSerials: 2,
  timestampCollisions: 2,
  conflictingReadings: 6,
  blankLines: 3,
};

/** Every subset of the defects (the empty one included), each with its name for a test title. */
export const DEFECT_COMBINATIONS: (readonly [string, DefectOptions])[] = Array.from({ length: 2 ** DEFECT_NAMES.length }, (_, mask) => {
  const names = DEFECT_NAMES.filter((_, i) => mask & (1 << i));
  return [names.join('+') || 'no defect', Object.fromEntries(names.map((n) => [n, TINY_DEFECT_COUNTS[n]]))] as const;
});
