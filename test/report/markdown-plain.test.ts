// `stedi report` on a terminal: the markdown read back as the text it stands for.
import { markdownToText, inlineText } from '../../src/report/markdown-plain';
import { escapeMarkdown } from '../../src/report/markdown-text';
import { buildReport } from '../../src/report/run-report';
import { renderMarkdown } from '../../src/report/report-markdown';
import { escapeControls } from '../../src/report/terminal-escape';
import { blockedManifest, failed, gate } from './report-fixtures';

describe('markdownToText', () => {
  it('escaped data reads as the characters it held (mentions and references without their zero-width space)', () => {
    const data = 'a|b `c` <x> @team #12 [l](u) *y* ~z~ $m$ \\ _u_';
    expect(inlineText(escapeMarkdown(data))).toBe(data);
  });

  it('controls and bidi overrides never reach the terminal', () => {
    expect(escapeControls('a\u001b[2Jb\u0007c\u202e')).toBe('a\\x1b[2Jb\\x07c\\u202e');
    expect(inlineText('x\u001by')).toBe('x\\x1by');
  });

  it('a table is aligned, numeric columns to the right, without icons or pipes', () => {
    expect(markdownToText('| status | rule | failing |\n|---|---|---:|\n| ❌ FAIL | a\\_b | 12 |\n| ✅ PASS | c | 0 |')).toBe(
      ['status  rule  failing', '------  ----  -------', 'FAIL    a_b        12', 'PASS    c           0'].join('\n'),
    );
  });

  it('a whole report: headings underlined, folded parts shown, links as text (address)', () => {
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [failed({ name: 'a_b', failing: 3, columns: ['v'], sample: [{ v: '|x|' }] })]) } };
    const text = markdownToText(renderMarkdown(buildReport(m), { fullReport: '[the artifact](https://e.com/1)', maxRules: 0 }));
    expect(text.split('\n')[0]).toBe('BLOCKED: run 20260101T000000000Z-aaaaaa published nothing; blocking rule: a_b.');
    expect(text).toContain('\nRules\n-----\n');
    expect(text).toContain('the artifact (https://e.com/1) has them all.');
    expect(text).toContain('\nv\n---\n|x|\n');
    expect(text).not.toMatch(/\*\*|\\|<\/?details>|&#8203;/);
  });
});
