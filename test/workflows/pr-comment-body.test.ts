// The two PR comments' markdown: the renderers' text untouched, a clear line when there is nothing to compare.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeExit, footer, grantsCommentBody, main, QUALITY_TITLE, qualityCommentBody } from '../../scripts/ci/pr-comment-body';
import { tempDir } from '../support/tmp';

const revisions = { head: 'a'.repeat(40), base: 'b'.repeat(40), runUrl: 'https://github.test/o/r/actions/runs/9' };
const FOOTER = '\n<sub>Branch `aaaaaaa` (merged into the base) against base `bbbbbbb` · [workflow run](https://github.test/o/r/actions/runs/9) · this comment is updated on every push</sub>\n';

describe('footer', () => {
  it('names the two commits by short SHA and links the run', () => {
    expect(footer(revisions)).toBe(FOOTER);
  });

  it('prints anything that is not a SHA as "unknown" (a ref name is the branch author\'s text)', () => {
    expect(footer({ head: '`](javascript:x)', base: '' })).toBe(
      '\n<sub>Branch unknown (merged into the base) against base unknown · this comment is updated on every push</sub>\n',
    );
  });
});

describe('qualityCommentBody', () => {
  const delta = '**Verdict: blocked** by `ml_rows_same_customer` (was passing)\n\n| rule | base | branch |\n|---|---|---|\n| a \\| b | $& | `<x>` |\n';

  it('1. the delta, exactly as `stedi report --against` printed it', () => {
    expect(qualityCommentBody({ headStatus: 1, baseStatus: 0, delta, headReport: 'unused', revisions })).toBe(`${QUALITY_TITLE}\n\n${delta}${FOOTER}`);
  });

  it('a report that slipped an email address through: the comment carries none (GitHub would link it for everyone)', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const body = qualityCommentBody({ headStatus: 1, baseStatus: 0, delta: '| first\\_email |\n|---|\n| Eve.Stone@test.com |\n', revisions });
      expect(body).toContain('| [email address removed] |');
      expect(body).not.toMatch(/@test\.com/);
      expect(String(stderr.mock.calls[0][0])).toMatch(/^::warning title=personal data removed::the quality report held 1 email address/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('2. the branch report with a note when the base wrote none', () => {
    const body = qualityCommentBody({ headStatus: 0, baseStatus: 2, headReport: '# Report\n', revisions });
    expect(body).toBe(
      `${QUALITY_TITLE}\n\n> [!NOTE]\n> No comparison: the base branch wrote no report (\`stedi demo\` usage or configuration error). ` +
        `This is the branch report on its own.\n\n# Report\n${FOOTER}`,
    );
  });

  it('3. what went wrong when the branch wrote no report', () => {
    expect(qualityCommentBody({ headStatus: 70, baseStatus: 0, revisions })).toContain(
      '> [!CAUTION]\n> The branch could not run the pipeline on the sample data (`stedi demo` crashed), so there is no report.',
    );
  });

  it('exit statuses read as the README defines them', () => {
    expect([0, 1, 2, 75, 70, 9].map(describeExit)).toEqual([
      'published',
      'blocked by a gate',
      'usage or configuration error',
      'lake busy with another run',
      'crashed',
      'exit 9',
    ]);
  });
});

describe('grantsCommentBody', () => {
  it('1. keeps the diff\'s first line first, so "No access changes." is recognised by the poster', () => {
    expect(grantsCommentBody({ diffStatus: 0, diff: 'No access changes.\n', headSynthStatus: 0, baseSynthStatus: 0, revisions })).toBe(`No access changes.\n${FOOTER}`);
  });

  it('2. says why there is no diff when the branch or the base does not synthesize, or the diff fails', () => {
    expect(grantsCommentBody({ diffStatus: 1, headSynthStatus: 1, baseSynthStatus: 0, revisions })).toMatch(
      /^Lake Formation access: no diff, because the branch could not be synthesized \(`npm run synth` exit 1\)/,
    );
    expect(grantsCommentBody({ diffStatus: 2, headSynthStatus: 0, baseSynthStatus: 1, revisions })).toMatch(
      /^Lake Formation access: no diff, because the base branch could not be synthesized \(`npm run synth` exit 1\)\./,
    );
    expect(grantsCommentBody({ diffStatus: 2, headSynthStatus: 0, baseSynthStatus: 0, revisions })).toMatch(/^Lake Formation access: `stedi grants diff` failed \(exit 2\)/);
  });
});

describe('pr-comment-body CLI (main)', () => {
  let write: jest.SpyInstance;
  beforeEach(() => {
    write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const env = { GITHUB_SERVER_URL: 'https://github.test', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' };

  it('reads the files the workflow wrote, and treats a missing one as absent', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'delta.md'), 'delta\n');
    const args = ['--head-status', '0', '--base-status', '0', '--head-sha', revisions.head, '--base-sha', revisions.base];
    expect(main(['quality', ...args, '--delta', join(dir, 'delta.md')], env)).toBe(0);
    expect(write).toHaveBeenLastCalledWith(`${QUALITY_TITLE}\n\ndelta\n${FOOTER}`);
    expect(main(['grants', '--diff-status', '0', '--head-synth-status', '0', '--base-synth-status', '0', '--diff', join(dir, 'absent.md'), '--head-sha', revisions.head], env)).toBe(0);
    expect(write.mock.calls[1]![0]).toMatch(/^Lake Formation access: `stedi grants diff` failed/);
  });

  it('usage errors exit 2', () => {
    expect(main(['quality', '--head-status', 'x', '--base-status', '0'], env)).toBe(2);
    expect(main(['other'], env)).toBe(2);
  });
});
