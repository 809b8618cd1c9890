// Named points where the crash-safety tests stop a real run to kill it (STEDI_PAUSE_AT=<point>).
// In normal runs the variable is unset and a fault point does nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PAUSE_ENV = 'STEDI_PAUSE_AT';
/** File a paused run writes into the lake so that a test knows it may kill it now. */
export const PAUSED_FILE = 'paused-at';

export async function faultPoint(point: string, lakeRoot: string): Promise<void> {
  if (process.env[PAUSE_ENV] !== point) return;
  writeFileSync(join(lakeRoot, PAUSED_FILE), `${point}\n${process.pid}\n`);
  await new Promise<never>(() => setInterval(() => {}, 60_000));
}
