// The sticky PR comment: found by its marker, updated in place, never repeated, always under GitHub's limit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubRest, nextPageUrl } from '../../scripts/ci/github-rest';
import { GITHUB_COMMENT_MAX_CHARS } from '../../scripts/ci/markdown-limits';
import {
  ACTIONS_BOT_LOGIN,
  composeCommentBody,
  decideUpsert,
  hiddenMarker,
  main,
  markedComments,
  upsertStickyComment,
} from '../../scripts/ci/sticky-comment';
import { tempDir } from '../support/tmp';
import { FakeGitHub } from './fake-github';

const MARKER = '<!-- stedi-report -->';
const REPO = 'stedi/lakehouse';
const BOT = ACTIONS_BOT_LOGIN;

function request(github: FakeGitHub, body: string, createIfMissing = true) {
  return {
    api: new GitHubRest({ token: 't0ken', apiUrl: github.apiUrl, fetch: github.fetch }),
    repository: REPO,
    issueNumber: 7,
    marker: MARKER,
    body,
    createIfMissing,
  };
}

describe('hiddenMarker', () => {
  it('wraps a name in an HTML comment', () => {
    expect(hiddenMarker('stedi-report')).toBe('<!-- stedi-report -->');
  });

  it('refuses a name that could end the comment or hide text', () => {
    expect(() => hiddenMarker('x -->')).toThrow('lower-case letters, digits and dashes');
    expect(() => hiddenMarker('')).toThrow();
  });
});

describe('markedComments: which comments are ours', () => {
  it('keeps only the bot comments that open with the marker, oldest first', () => {
    const comments = [
      { id: 1, body: `${MARKER}\nold report`, user: { login: BOT } },
      { id: 2, body: `${MARKER}\nquoted by a person`, user: { login: 'alice' } },
      { id: 3, body: `a report that mentions ${MARKER} later`, user: { login: BOT } },
      { id: 4, body: '<!-- stedi-grants-diff -->\nanother stream', user: { login: BOT } },
      { id: 5, body: null, user: { login: BOT } },
      { id: 6, body: `${MARKER}\nsecond copy`, user: { login: BOT } },
      { id: 7, body: `${MARKER}\nno author`, user: null },
    ];
    expect(markedComments(comments, MARKER).map((c) => c.id)).toEqual([1, 6]);
  });
});

describe('decideUpsert: update or create', () => {
  const mine = (id: number, body: string) => ({ id, body, user: { login: BOT } });

  it('1. creates when there is no comment', () => {
    expect(decideUpsert([], 'b', true)).toEqual({ action: 'create', duplicates: [] });
  });
  it('2. updates the oldest comment when its body differs, and lists the later copies as duplicates', () => {
    expect(decideUpsert([mine(1, 'old'), mine(2, 'old')], 'new', true)).toEqual({ action: 'update', commentId: 1, duplicates: [2] });
  });
  it('3. leaves an identical comment alone (no notification, no edit history)', () => {
    expect(decideUpsert([mine(1, 'same')], 'same', true)).toEqual({ action: 'unchanged', commentId: 1, duplicates: [] });
  });
  it('4. does not create when told to refresh only, but still updates an existing one', () => {
    expect(decideUpsert([], 'b', false)).toEqual({ action: 'skip', duplicates: [] });
    expect(decideUpsert([mine(1, 'old')], 'b', false)).toEqual({ action: 'update', commentId: 1, duplicates: [] });
  });
});

describe('upsertStickyComment against a fake GitHub', () => {
  it('posts once, then updates the same comment on every later push', async () => {
    const github = new FakeGitHub();
    github.seed('alice', 'LGTM');
    await upsertStickyComment(request(github, `${MARKER}\nfirst`));
    await upsertStickyComment(request(github, `${MARKER}\nsecond`));
    await upsertStickyComment(request(github, `${MARKER}\nthird`));
    const ours = github.comments.filter((c) => c.body.startsWith(MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toBe(`${MARKER}\nthird`);
    expect(github.writes()).toEqual([
      `POST /repos/${REPO}/issues/7/comments`,
      `PATCH /repos/${REPO}/issues/comments/1001`,
      `PATCH /repos/${REPO}/issues/comments/1001`,
    ]);
  });

  it('finds its comment on a later page of a long conversation (Link: rel="next")', async () => {
    const github = new FakeGitHub('https://api.github.test', 2);
    for (let i = 0; i < 5; i += 1) github.seed('alice', `comment ${i}`);
    const id = github.seed(BOT, `${MARKER}\nold`);
    const decision = await upsertStickyComment(request(github, `${MARKER}\nnew`));
    expect(decision).toEqual({ action: 'update', commentId: id, duplicates: [] });
    expect(github.calls.filter((c) => c.method === 'GET')).toHaveLength(3);
    expect(github.writes()).toEqual([`PATCH /repos/${REPO}/issues/comments/${id}`]);
  });

  it('writes nothing when the body is unchanged', async () => {
    const github = new FakeGitHub();
    github.seed(BOT, `${MARKER}\nsame`);
    expect((await upsertStickyComment(request(github, `${MARKER}\nsame`))).action).toBe('unchanged');
    expect(github.writes()).toEqual([]);
  });

  it('removes the copies that two racing runs left, keeping the oldest', async () => {
    const github = new FakeGitHub();
    const keep = github.seed(BOT, `${MARKER}\na`);
    const extra = github.seed(BOT, `${MARKER}\nb`);
    await upsertStickyComment(request(github, `${MARKER}\nc`));
    expect(github.comments.map((c) => [c.id, c.body])).toEqual([[keep, `${MARKER}\nc`]]);
    expect(github.writes()).toEqual([`PATCH /repos/${REPO}/issues/comments/${keep}`, `DELETE /repos/${REPO}/issues/comments/${extra}`]);
  });

  it('sends the token, the API version and the body as JSON', async () => {
    const github = new FakeGitHub('https://ghe.example.test/api/v3');
    const api = new GitHubRest({ token: 't0ken', apiUrl: 'https://ghe.example.test/api/v3/', fetch: github.fetch });
    await upsertStickyComment({ ...request(github, `${MARKER}\n"quoted" \\ body`), api });
    const post = github.calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe(`https://ghe.example.test/api/v3/repos/${REPO}/issues/7/comments`);
    expect(post.headers).toMatchObject({ authorization: 'Bearer t0ken', 'x-github-api-version': '2022-11-28', accept: 'application/vnd.github+json' });
    expect(JSON.parse(post.body!)).toEqual({ body: `${MARKER}\n"quoted" \\ body` });
  });

  it('refuses a body without its marker (the next run could not find it)', async () => {
    await expect(upsertStickyComment(request(new FakeGitHub(), 'no marker'))).rejects.toThrow('must open with its marker');
  });
});

describe('nextPageUrl', () => {
  it('reads rel="next" among other relations, and nothing on the last page', () => {
    expect(nextPageUrl('<https://a/x?page=3>; rel="next", <https://a/x?page=9>; rel="last"')).toBe('https://a/x?page=3');
    expect(nextPageUrl('<https://a/x?page=1>; rel="prev", <https://a/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextPageUrl(null)).toBeUndefined();
  });
});

describe('composeCommentBody: the marker, the report untouched, GitHub\'s limit', () => {
  it('passes the renderer\'s markdown through byte for byte, replace patterns and escapes included', () => {
    const markdown = 'a `$&` and $\' and $1 and $$ \\| `<b>` &lt;script&gt; \u{1F600}\n| a \\| b |\n';
    expect(composeCommentBody(MARKER, markdown)).toBe(`${MARKER}\n${markdown}`);
  });

  it('cuts a report too long for a comment to at most 65,536 characters, with a visible notice linking the run', () => {
    const row = '| rule_with_a_long_name | failed | 12 | `serialNumber` &lt;x&gt; |\n';
    const markdown = `## Report\n\n| rule | status | failing | sample |\n|---|---|---|---|\n${row.repeat(3000)}`;
    const body = composeCommentBody(MARKER, markdown, 'https://github.test/stedi/lakehouse/actions/runs/42');
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_MAX_CHARS - row.length - 400);
    expect(body.startsWith(`${MARKER}\n## Report\n`)).toBe(true);
    expect(body).toContain('> [!WARNING]\n> **Truncated:** this comment shows the first ');
    expect(body).toContain(`of ${markdown.length.toLocaleString('en-US')} characters`);
    expect(body).toContain('[this workflow run](https://github.test/stedi/lakehouse/actions/runs/42)');
    const kept = body.slice(MARKER.length + 1, body.indexOf('\n> [!WARNING]'));
    expect(markdown.startsWith(kept)).toBe(true);
    expect(kept.endsWith(row)).toBe(true); // whole table rows only
  });

  it('honours a smaller limit exactly', () => {
    for (const limit of [400, 1000, 5000]) {
      expect(composeCommentBody(MARKER, 'x'.repeat(50) + '\n' + 'y'.repeat(20_000), undefined, limit).length).toBeLessThanOrEqual(limit);
    }
  });
});

describe('sticky-comment CLI (main)', () => {
  function bodyFile(text: string): string {
    const file = join(tempDir(), 'body.md');
    writeFileSync(file, text);
    return file;
  }
  const env = { GITHUB_TOKEN: 't0ken', GITHUB_REPOSITORY: REPO, GITHUB_API_URL: 'https://api.github.test' };
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('creates the comment with the marker first and says so', async () => {
    const github = new FakeGitHub();
    const code = await main(['--marker', 'stedi-report', '--issue', '7', '--body-file', bodyFile('## Report\n')], env, github.fetch);
    expect(code).toBe(0);
    expect(github.comments.map((c) => c.body)).toEqual([`${MARKER}\n## Report\n`]);
    expect(log).toHaveBeenCalledWith(`${MARKER} comment on #7: created`);
  });

  it('does not open a grants comment for "No access changes." but corrects an earlier one', async () => {
    const args = (file: string) => ['--marker', 'stedi-grants-diff', '--issue', '7', '--body-file', file, '--skip-create-when-first-line', 'No access changes.'];
    const github = new FakeGitHub();
    expect(await main(args(bodyFile('No access changes.\n\n<sub>footer</sub>\n')), env, github.fetch)).toBe(0);
    expect(github.comments).toEqual([]);
    expect(await main(args(bodyFile('## Access changes\n\n- analyst gains SELECT\n')), env, github.fetch)).toBe(0);
    expect(await main(args(bodyFile('No access changes.\n')), env, github.fetch)).toBe(0);
    expect(github.comments.map((c) => c.body)).toEqual(['<!-- stedi-grants-diff -->\nNo access changes.\n']);
  });

  it('a read-only token (fork, Dependabot) is a warning, not a failed job', async () => {
    const github = new FakeGitHub();
    github.failWith = { status: 403, message: 'Resource not accessible by integration' };
    const code = await main(['--marker', 'stedi-report', '--issue', '7', '--body-file', bodyFile('x')], env, github.fetch);
    expect(code).toBe(0);
    expect(log.mock.calls[0]![0]).toMatch(/^::warning title=PR comment not posted::GitHub API: list comments failed with HTTP 403: Resource not accessible by integration\. /);
  });

  it('any other API failure fails the step with GitHub\'s message', async () => {
    const github = new FakeGitHub();
    github.failWith = { status: 502, message: 'Bad Gateway' };
    expect(await main(['--marker', 'stedi-report', '--issue', '7', '--body-file', bodyFile('x')], env, github.fetch)).toBe(1);
    expect(error).toHaveBeenCalledWith('GitHub API: list comments failed with HTTP 502: Bad Gateway');
  });

  it('usage errors exit 2 naming what is missing', async () => {
    expect(await main(['--marker', 'stedi-report', '--body-file', 'x.md'], { GITHUB_REPOSITORY: REPO })).toBe(2);
    expect(error.mock.calls[0]![0]).toMatch(/^missing or invalid: --issue \(a pull request number\), GITHUB_TOKEN\n/);
    expect(await main(['--marker', 'Bad Name', '--issue', '7', '--body-file', bodyFile('x')], env)).toBe(2);
    expect(await main(['--nope'], env)).toBe(2);
  });
});
