// Every run writes report.json, report.md and junit.xml; `stedi report --against` renders the change.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLanding } from '../../src/generator/generator';
import { PRESETS } from '../../src/generator/presets';
import { tempDir } from '../support/tmp';
import { runStedi } from '../support/child-run';

describe('run reports', () => {
  it('a blocked run against a published one: the delta names the newly failing rule, verdict first', async () => {
    const base = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 3 });
    const head = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 3, defects: { sharedSerials: 1 } });
    const baseOut = tempDir();
    const headOut = tempDir();
    const b = await runStedi(['run', '--landing', base.dir, '--lake', tempDir(), '--report-dir', baseOut]);
    const h = await runStedi(['run', '--landing', head.dir, '--lake', tempDir(), '--report-dir', headOut, '--json']);
    expect([b.code, h.code]).toEqual([0, 1]);
    for (const dir of [baseOut, headOut]) for (const f of ['report.json', 'report.md', 'junit.xml']) expect(existsSync(join(dir, f))).toBe(true);
    const manifest = JSON.parse(h.stdout);
    expect(readFileSync(join(manifest.lake, 'runs', manifest.runId, 'report.json'), 'utf8')).toBe(readFileSync(join(headOut, 'report.json'), 'utf8'));

    const md = readFileSync(join(headOut, 'report.md'), 'utf8');
    expect(md.split('\n')[0]).toMatch(/BLOCKED/);
    expect(md).toContain('serial\\_number\\_shared\\_by\\_customers');

    const delta = await runStedi(['report', join(headOut, 'report.json'), '--against', join(baseOut, 'report.json')]);
    expect(delta.code).toBe(0);
    expect(delta.stdout.split('\n')[0]).toMatch(/PUBLISHED.*BLOCKED|BLOCKED/);
    expect(delta.stdout).toContain('serial\\_number\\_shared\\_by\\_customers');
    expect(Buffer.byteLength(delta.stdout)).toBeLessThan(60_000);
  });

  it('a file that is not a report is a usage error naming the file', async () => {
    const file = join(__dirname, '..', 'fixtures', 'stedi-small', 'README.md');
    const r = await runStedi(['report', file]);
    // The parser's own words for why, from this Node's JSON.parse.
    let why = '';
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      why = (e as Error).message;
    }
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `stedi: ${file}: not JSON (${why}); pass a report.json written by stedi run\n`]);
  });
});
