// The comment step as the workflow runs it: `node --import tsx scripts/ci/sticky-comment.ts` against a GitHub API on loopback.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/tmp';
import { FakeGitHub } from './fake-github';
import { REPO_ROOT } from './workflow-files';

const run = promisify(execFile);

describe('sticky-comment.ts as a process', () => {
  let server: Server;
  let github: FakeGitHub;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = await github.fetch(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: body === '' ? undefined : body,
      });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('creates the comment on the first push and updates it on the second, over real HTTP', async () => {
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    github = new FakeGitHub(api, 2);
    github.seed('alice', 'first!');
    github.seed('bob', 'second');
    github.seed('carol', 'third');
    const dir = tempDir();
    const post = async (markdown: string) => {
      const file = join(dir, 'quality.md');
      writeFileSync(file, markdown);
      return run(process.execPath, ['--import', 'tsx', 'scripts/ci/sticky-comment.ts', '--marker', 'stedi-report', '--issue', '12', '--body-file', file], {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: { ...process.env, GITHUB_TOKEN: 'local-token', GITHUB_REPOSITORY: 'stedi/lakehouse', GITHUB_API_URL: api, GITHUB_SERVER_URL: 'https://github.test', GITHUB_RUN_ID: '5' },
      });
    };
    expect((await post('## Report one\n')).stdout).toBe('<!-- stedi-report --> comment on #12: created\n');
    expect((await post('## Report two\n')).stdout).toBe('<!-- stedi-report --> comment on #12: updated\n');
    expect(github.comments.map((c) => c.body)).toEqual(['first!', 'second', 'third', '<!-- stedi-report -->\n## Report two\n']);
    expect(github.calls.every((c) => c.headers.authorization === 'Bearer local-token')).toBe(true);
  });
});
