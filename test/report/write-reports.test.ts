import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, parseReport } from '../../src/report/run-report';
import { renderMarkdown } from '../../src/report/report-markdown';
import { renderJunit } from '../../src/report/report-junit';
import { REPORT_FILES, writeReports } from '../../src/report/write-reports';
import { blockedManifest } from './report-fixtures';
import { tempDir } from '../support/tmp';

describe('writeReports', () => {
  it('writes report.json, report.md and junit.xml into the run folder and returns their paths', () => {
    const dir = join(tempDir('stedi-reports-'), 'runs', 'r1');
    const m = blockedManifest();
    const paths = writeReports(dir, m);
    expect(paths).toEqual({ json: join(dir, 'report.json'), md: join(dir, 'report.md'), junit: join(dir, 'junit.xml') });
    expect(REPORT_FILES).toEqual({ json: 'report.json', md: 'report.md', junit: 'junit.xml' });
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.json', 'report.md']);
    expect(parseReport(readFileSync(paths.json, 'utf8'), paths.json)).toEqual(buildReport(m));
    expect(readFileSync(paths.md, 'utf8')).toBe(renderMarkdown(buildReport(m)));
    expect(readFileSync(paths.junit, 'utf8')).toBe(renderJunit(buildReport(m)));
  });

  it('passes markdown options through and overwrites an earlier report whole', () => {
    const dir = tempDir('stedi-reports-');
    writeReports(dir, blockedManifest());
    const paths = writeReports(dir, blockedManifest(), { markdown: { fullReport: 'the run artifact', maxRules: 1 } });
    expect(readFileSync(paths.md, 'utf8')).toContain('_2 more rules not shown (1 of 3 here); the run artifact has them all._');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(paths.json)).toBe(true);
  });
});
