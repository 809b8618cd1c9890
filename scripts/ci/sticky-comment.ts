/** One pull-request comment per report, found by a hidden marker and updated in place on every push. */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Fetch, GitHubApiError, GitHubRest, type IssueComment } from './github-rest';
import { fitMarkdown, GITHUB_COMMENT_MAX_CHARS, utf16Length } from './markdown-limits';
import { annotation, workflowRunUrl } from './workflow-commands';

/** The account GitHub shows as the author of comments posted with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** `<!-- name -->`: invisible in the rendered comment, and the first line of every comment we own. */
export function hiddenMarker(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`marker name "${name}" must be lower-case letters, digits and dashes`);
  }
  return `<!-- ${name} -->`;
}

/**
 * The comment body: the marker line, then `markdown` cut to fit GitHub's comment limit with a
 * visible notice (linking the run, whose job summary holds the whole report). `markdown` is
 * inserted as it is, never through a template or a replace pattern that could alter it.
 */
export function composeCommentBody(marker: string, markdown: string, runUrl?: string, limit = GITHUB_COMMENT_MAX_CHARS): string {
  const head = `${marker}\n`;
  const where = runUrl ? `the job summary of [this workflow run](${runUrl})` : "this workflow run's job summary";
  const fitted = fitMarkdown(markdown, {
    limit: limit - utf16Length(head),
    measure: utf16Length,
    notice: (shown, total) =>
      `\n> [!WARNING]\n> **Truncated:** this comment shows the first ${shown.toLocaleString('en-US')} of ` +
      `${total.toLocaleString('en-US')} characters (GitHub's limit for a comment is ` +
      `${GITHUB_COMMENT_MAX_CHARS.toLocaleString('en-US')}). The whole text is in ${where}.\n`,
  });
  return head + fitted.text;
}

/** The comments this workflow owns for `marker`, oldest first: posted by the bot and opening with the marker. */
export function markedComments(comments: readonly IssueComment[], marker: string, botLogin = ACTIONS_BOT_LOGIN): IssueComment[] {
  // A person quoting the marker, or a report that happens to contain it, is never mistaken for ours.
  return comments.filter((comment) => comment.user?.login === botLogin && (comment.body ?? '').startsWith(marker));
}

export type UpsertDecision =
  | { readonly action: 'create'; readonly duplicates: readonly number[] }
  | { readonly action: 'update'; readonly commentId: number; readonly duplicates: readonly number[] }
  | { readonly action: 'unchanged'; readonly commentId: number; readonly duplicates: readonly number[] }
  | { readonly action: 'skip'; readonly duplicates: readonly number[] };

/**
 * Update the oldest comment we own (leaving it untouched when its body is already `body`), or create
 * one when there is none and `createIfMissing`. Later copies, left by two runs that raced, are
 * listed as duplicates to delete so that the pull request keeps exactly one.
 */
export function decideUpsert(owned: readonly IssueComment[], body: string, createIfMissing: boolean): UpsertDecision {
  const [first, ...rest] = owned;
  const duplicates = rest.map((comment) => comment.id);
  if (!first) return createIfMissing ? { action: 'create', duplicates } : { action: 'skip', duplicates };
  if (first.body === body) return { action: 'unchanged', commentId: first.id, duplicates };
  return { action: 'update', commentId: first.id, duplicates };
}

export interface UpsertRequest {
  readonly api: GitHubRest;
  /** `owner/name` */
  readonly repository: string;
  readonly issueNumber: number;
  readonly marker: string;
  /** The full body, marker first (see composeCommentBody). */
  readonly body: string;
  /** @default true; false only refreshes a comment that exists (a diff that went back to "no changes") */
  readonly createIfMissing?: boolean;
  /** @default ACTIONS_BOT_LOGIN */
  readonly botLogin?: string;
}

export async function upsertStickyComment(request: UpsertRequest): Promise<UpsertDecision> {
  const { api, repository, issueNumber, marker, body } = request;
  if (!body.startsWith(marker)) throw new Error('the comment body must open with its marker, or the next run cannot find it');
  const comments = await api.listIssueComments(repository, issueNumber);
  const decision = decideUpsert(markedComments(comments, marker, request.botLogin), body, request.createIfMissing ?? true);
  if (decision.action === 'create') await api.createIssueComment(repository, issueNumber, body);
  if (decision.action === 'update') await api.updateIssueComment(repository, decision.commentId, body);
  for (const id of decision.duplicates) await api.deleteIssueComment(repository, id);
  return decision;
}

const USAGE = `usage: sticky-comment.ts --marker NAME --body-file FILE --issue NUMBER [--skip-create-when-first-line TEXT]
  env: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name); optional GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID`;

/** CLI: exit 0 posted, skipped or refused by a read-only token (with a warning); 1 API failure; 2 usage. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, fetchImpl?: Fetch): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        marker: { type: 'string' },
        'body-file': { type: 'string' },
        issue: { type: 'string' },
        'skip-create-when-first-line': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const issueNumber = Number(values.issue);
  const missing = [
    !values.marker && '--marker',
    !values['body-file'] && '--body-file',
    !(Number.isInteger(issueNumber) && issueNumber > 0) && '--issue (a pull request number)',
    !env.GITHUB_TOKEN && 'GITHUB_TOKEN',
    !env.GITHUB_REPOSITORY && 'GITHUB_REPOSITORY',
  ].filter(Boolean);
  if (missing.length > 0) {
    console.error(`missing or invalid: ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }

  let markdown: string;
  let marker: string;
  try {
    markdown = readFileSync(values['body-file']!, 'utf8');
    marker = hiddenMarker(values.marker!);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const quietPhrase = values['skip-create-when-first-line'];
  const createIfMissing = !(quietPhrase && firstLine(markdown) === quietPhrase.trim());
  const body = composeCommentBody(marker, markdown, workflowRunUrl(env));

  const api = new GitHubRest({ token: env.GITHUB_TOKEN!, apiUrl: env.GITHUB_API_URL, fetch: fetchImpl });
  try {
    const decision = await upsertStickyComment({
      api,
      repository: env.GITHUB_REPOSITORY!,
      issueNumber,
      marker,
      body,
      createIfMissing,
    });
    const what = { create: 'created', update: 'updated', unchanged: 'left unchanged (same body)', skip: 'not created (nothing to report, no earlier comment)' }[decision.action];
    console.log(`${marker} comment on #${issueNumber}: ${what}${decision.duplicates.length ? `; removed ${decision.duplicates.length} duplicate(s)` : ''}`);
    return 0;
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 403) {
      // A fork's or Dependabot's pull request gets a read-only token whatever the workflow asks for.
      console.log(annotation('warning', 'PR comment not posted', `${error.message}. The token is read-only here (fork or Dependabot pull request); the report is in the job summary.`));
      return 0;
    }
    console.error((error as Error).message);
    return 1;
  }
}

function firstLine(markdown: string): string {
  return markdown.replace(/^\uFEFF/, '').split('\n', 1)[0]!.trim();
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
