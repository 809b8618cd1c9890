// The job summary: appended, never past GitHub's 1 MiB per step, untrusted text shown verbatim.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitSummary, main, renderSection } from '../../scripts/ci/job-summary';
import { GITHUB_STEP_SUMMARY_MAX_BYTES } from '../../scripts/ci/markdown-limits';
import { tempDir, writeFiles } from '../support/tmp';

describe('renderSection', () => {
  it('passes markdown through and ends it with a blank line', () => {
    expect(renderSection({ text: '## Report\n| a |' })).toBe('## Report\n| a |\n\n');
  });

  it('shows plan output verbatim in a collapsed, escaped section', () => {
    expect(renderSection({ text: '+ resource "x" {\n```\n', code: 'text', details: 'plan <dev>' })).toBe(
      '<details><summary>plan &#60;dev&#62;</summary>\n\n````text\n+ resource "x" {\n```\n````\n\n</details>\n\n',
    );
  });
});

describe('fitSummary', () => {
  it('counts bytes, not characters (GitHub\'s 1 MiB is bytes)', () => {
    const text = '\u00e9\u00e9\u00e9\u00e9\n'.repeat(1000); // 9 bytes, 5 characters a line
    const fitted = fitSummary(text, 4000);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(4000);
    expect(fitted).toContain('> **Truncated:** the job summary keeps the first ');
    expect(fitted).toContain(`of ${Buffer.byteLength(text).toLocaleString('en-US')} bytes`);
  });
});

describe('job-summary CLI (main)', () => {
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('appends each file to the step summary, in order', () => {
    const dir = tempDir();
    writeFiles(dir, { 'quality.md': '## Quality\n', 'grants.md': 'No access changes.\n' });
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step output\n');
    expect(main([join(dir, 'quality.md'), join(dir, 'grants.md')], { GITHUB_STEP_SUMMARY: summary })).toBe(0);
    expect(readFileSync(summary, 'utf8')).toBe('# earlier step output\n## Quality\n\nNo access changes.\n\n');
  });

  it('publishes no email address: one that slipped into a report is removed, with a warning', () => {
    const dir = tempDir();
    writeFiles(dir, { 'gate.md': '| user | serial |\n|---|---|\n| Ann.Lee@test.com | s-1 |\n| pii:3f9a1c2b0d | s-2 |\n' });
    const summary = join(dir, 'summary.md');
    expect(main([join(dir, 'gate.md')], { GITHUB_STEP_SUMMARY: summary })).toBe(0);
    expect(readFileSync(summary, 'utf8')).toBe('| user | serial |\n|---|---|\n| [email address removed] | s-1 |\n| pii:3f9a1c2b0d | s-2 |\n\n');
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/^::warning title=personal data removed::.*gate\.md held 1 email address/)]);
  });

  it('keeps the whole summary within 1 MiB when earlier output already used most of it', () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'x'.repeat(GITHUB_STEP_SUMMARY_MAX_BYTES - 5000));
    writeFiles(dir, { 'plan.txt': '  + aws_s3_bucket.landing\n'.repeat(2000) });
    expect(main(['--code', 'text', '--details', 'Speculative plan: dev', join(dir, 'plan.txt')], { GITHUB_STEP_SUMMARY: summary })).toBe(0);
    expect(statSync(summary).size).toBeLessThanOrEqual(GITHUB_STEP_SUMMARY_MAX_BYTES);
    const added = readFileSync(summary, 'utf8').slice(GITHUB_STEP_SUMMARY_MAX_BYTES - 5000);
    expect(added.startsWith('<details><summary>Speculative plan: dev</summary>\n\n```text\n  + aws_s3_bucket.landing\n')).toBe(true);
    expect(added).toMatch(/\+ aws_s3_bucket\.landing\n```\n\n<\/details>\n\n> \[!WARNING\]\n> \*\*Truncated:\*\*/);
  });

  it('warns instead of failing when the summary has no room left even for the notice', () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'x'.repeat(GITHUB_STEP_SUMMARY_MAX_BYTES));
    writeFiles(dir, { 'a.md': 'more\n' });
    expect(main([join(dir, 'a.md')], { GITHUB_STEP_SUMMARY: summary })).toBe(0);
    expect(statSync(summary).size).toBe(GITHUB_STEP_SUMMARY_MAX_BYTES);
    expect(log.mock.calls[0]![0]).toMatch(/^::warning title=job summary full::/);
  });

  it('writes the --missing text for a file a failed step did not write, and fails without it', () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    expect(main(['--missing', 'No plan output for dev.', join(dir, 'plan.txt')], { GITHUB_STEP_SUMMARY: summary })).toBe(0);
    expect(readFileSync(summary, 'utf8')).toBe('No plan output for dev.\n\n');
    expect(main([join(dir, 'plan.txt')], { GITHUB_STEP_SUMMARY: summary })).toBe(2);
    expect(error).toHaveBeenCalledWith(`job-summary: ${join(dir, 'plan.txt')} does not exist`);
  });

  it('prints to stdout outside GitHub Actions', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.md': 'hello' });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(main([join(dir, 'a.md')], {})).toBe(0);
    expect(write).toHaveBeenCalledWith('hello\n\n');
  });

  it('usage errors exit 2', () => {
    expect(main([], {})).toBe(2);
    expect(main(['--bogus', 'x'], {})).toBe(2);
  });
});
