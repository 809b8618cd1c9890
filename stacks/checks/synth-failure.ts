// A synth whose checks failed leaves its output marked, never looking like a good one: the
// manifest that `cdktf deploy` and CI read is moved aside, and SYNTH-FAILED.txt says why and what
// to do. The next synth that passes its checks clears the mark.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the synth output that says it failed its checks. */
export const SYNTH_FAILED_FILE = 'SYNTH-FAILED.txt';
/** cdktf's manifest of the output (its stacks): what deploy and the CI scripts read first. */
const MANIFEST = 'manifest.json';
const FAILED_MANIFEST = 'manifest.failed.json';

/** Why an output folder must not be used, when a failed synth marked it; undefined otherwise. */
export function synthFailure(outdir: string): string | undefined {
  return existsSync(join(outdir, SYNTH_FAILED_FILE)) ? `${outdir} is the output of a synth that failed its checks (${join(outdir, SYNTH_FAILED_FILE)} says why); fix them and run \`npm run synth\` again` : undefined;
}

export function markSynthFailed(outdir: string, findings: readonly string[]): void {
  const manifest = join(outdir, MANIFEST);
  if (existsSync(manifest)) renameSync(manifest, join(outdir, FAILED_MANIFEST));
  writeFileSync(
    join(outdir, SYNTH_FAILED_FILE),
    [
      'This synth output FAILED its checks: do not deploy, plan or review it.',
      `Its ${MANIFEST} was moved to ${FAILED_MANIFEST}, so cdktf and CI cannot pick it up.`,
      'A change of resource addresses that is intended (a new grant, a renamed construct) is pinned with',
      '  STEDI_PIN_ADDRESSES=1 npm run synth',
      'after review (docs/grants/README.md); any other finding is fixed in the code.',
      '',
      ...findings,
      '',
    ].join('\n'),
  );
}

export function clearSynthFailed(outdir: string): void {
  rmSync(join(outdir, SYNTH_FAILED_FILE), { force: true });
  rmSync(join(outdir, FAILED_MANIFEST), { force: true });
}
