// Data never drives the terminal or breaks a report: file and folder names holding ESC [ ..., OSC
// title sequences, BEL, CR or a newline are shown escaped (\x1b, \n) in the run summary, `stedi
// gate`'s text, the CLI's error lines and the progress notices, and stay on their table row in
// report.md.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { runSummary } from '../../src/cli/run-summary';
import { attentionLines } from '../../src/cli/outcome-lines';
import { printGate } from '../../src/cli/gate-command';
import type { RuleResult } from '../../src/gates/evaluator';
import { escapeMessage } from '../../src/report/terminal-escape';
import { tempDir } from '../support/tmp';
import { runStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
/** Every control character but the line feeds that end our own lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const EVIL_FILE = 'evil\x1b[31mRED\x07\r\nline.json';
const EVIL_FOLDER = 'odd\x1b]0;owned\x07dir';
const EVIL_LINK = 'link\x1b[2J.json';

async function hostileRun() {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  // A customer file whose name holds an escape, a bell, CR and LF, and one malformed line (quarantined).
  writeFileSync(join(landing, 'customer', EVIL_FILE), '{"customerName": broken\n');
  mkdirSync(join(landing, EVIL_FOLDER));
  writeFileSync(join(landing, EVIL_FOLDER, 'f.json'), '{}\n');
  symlinkSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), join(landing, 'accelerometer', EVIL_LINK));
  const lake = tempDir();
  return { landing, lake, m: await runPipeline({ landing, lake }) };
}

describe('control characters in names are shown escaped, never sent raw', () => {
  it('the run summary escapes file and folder names: one line per entry, no raw control character', async () => {
    const { lake, m } = await hostileRun();
    const summary = runSummary(m, lake);
    expect(summary).not.toMatch(RAW_CONTROL);
    const lines = summary.split('\n');
    expect(lines).toContain(`  ignored ${EVIL_FOLDER.replace('\x1b', '\\x1b').replace('\x07', '\\x07')}/: not a dataset folder (expected accelerometer/, customer/, step_trainer/): 1 file, 3 bytes, not read`);
    expect(lines).toContain('  ignored accelerometer/link\\x1b[2J.json: a symbolic link: never followed');
    // No name starts a line of its own (the newline in EVIL_FILE would).
    expect(lines.filter((l) => l.startsWith('line.json'))).toEqual([]);
  });

  it('report.md keeps each name on its table row, controls shown as U+FFFD, line breaks as ↵', async () => {
    const { lake, m } = await hostileRun();
    const md = readFileSync(join(lake, 'runs', m.runId, 'report.md'), 'utf8');
    expect(md).not.toMatch(RAW_CONTROL);
    const rows = md.split('\n').filter((l) => l.includes('odd') || l.includes('link'));
    expect(rows).toEqual([
      '| odd\uFFFD\\]0;owned\uFFFDdir/ | not a dataset folder (expected accelerometer/, customer/, step\\_trainer/): 1 file, 3 bytes, not read |',
      '| accelerometer/link\uFFFD\\[2J.json | a symbolic link: never followed |',
    ]);
    expect(readFileSync(join(lake, 'runs', m.runId, 'junit.xml'), 'utf8')).not.toMatch(RAW_CONTROL);
  });

  it('the CLI error line escapes a path holding ESC [ and a newline (exit 2)', async () => {
    const landing = join(tempDir(), 'no\x1b[2Jsuch\nfolder');
    const r = await runStedi(['run', '--landing', landing, '--lake', tempDir()]);
    expect([r.code, r.stderr]).toEqual([2, `stedi: landing folder ${landing.replace('\x1b', '\\x1b').replace('\n', '\\n')} does not exist or is not a folder\n`]);
  });

  it('an error message keeps its own indented lines, and escapes every other control character it quotes', () => {
    expect(escapeMessage('no binding for:\n  - a\x1b[2J\n  - b\nstedi: published\r\x07')).toBe('no binding for:\n  - a\\x1b[2J\n  - b\\nstedi: published\\r\\x07');
    expect(escapeMessage('one line')).toBe('one line');
  });

  it('rule lines and the gate header escape what rule messages and paths hold', () => {
    const rule: RuleResult = {
      name: 'customer_rule',
      kind: 'set',
      description: 'd',
      severity: 'error',
      zone: 'trusted',
      tables: ['customer_trusted'],
      file: 'quality-rules/rules/customer_rule.sql',
      tolerance: { rows: 0 },
      status: 'error',
      blocking: true,
      failing: 0,
      allowed: 0,
      columns: [],
      sample: [],
      error: 'quality-rules/rules/customer_rule.sql:3: Binder Error: no table "x\x1b[2J" \x07 end',
    };
    const lines = attentionLines([rule]);
    expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
    expect(lines).toEqual(['', 'blocking:', expect.stringContaining('no table "x\\x1b[2J" \\x07 end')]);
    let out = '';
    printGate([{ zone: 'trusted', passed: false, rules: [rule], queries: 1, scans: {} }], 'text', 'lake \x1b]0;t\x07', (t) => (out += t));
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out.split('\n')[0]).toMatch(/^gate on lake \\x1b\]0;t\\x07 BLOCKED/);
  });
});
