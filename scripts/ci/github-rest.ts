/** The few GitHub REST calls the CI scripts make, over an injectable fetch (tests pass a fake). */

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login: string } | null;
}

/** A call GitHub answered with an error status; `status` lets callers tell a read-only token (403). */
export class GitHubApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    detail: string,
  ) {
    super(`GitHub API: ${operation} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'GitHubApiError';
  }
}

export interface GitHubRestOptions {
  /** The workflow's GITHUB_TOKEN (or any token that may write the pull request's comments). */
  readonly token: string;
  /** @default - `https://api.github.com` (workflows pass GITHUB_API_URL, which differs on GitHub Enterprise Server) */
  readonly apiUrl?: string;
  /** @default - the global fetch of Node 20 */
  readonly fetch?: Fetch;
}

export class GitHubRest {
  private readonly apiUrl: string;
  private readonly fetch: Fetch;

  constructor(private readonly options: GitHubRestOptions) {
    this.apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** Every comment of an issue or pull request, oldest first, following the `Link: rel="next"` pages. */
  async listIssueComments(repository: string, issueNumber: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    let url: string | undefined = `${this.apiUrl}/repos/${repository}/issues/${issueNumber}/comments?per_page=100`;
    for (let page = 1; url; page += 1) {
      if (page > 100) throw new Error(`GitHub API: more than 100 pages of comments on #${issueNumber}; refusing to go on`);
      const response = await this.call('list comments', url, { method: 'GET' });
      comments.push(...((await response.json()) as IssueComment[]));
      url = nextPageUrl(response.headers.get('link'));
    }
    return comments;
  }

  async createIssueComment(repository: string, issueNumber: number, body: string): Promise<IssueComment> {
    const url = `${this.apiUrl}/repos/${repository}/issues/${issueNumber}/comments`;
    const response = await this.call('create comment', url, { method: 'POST', body: JSON.stringify({ body }) });
    return (await response.json()) as IssueComment;
  }

  async updateIssueComment(repository: string, commentId: number, body: string): Promise<IssueComment> {
    const url = `${this.apiUrl}/repos/${repository}/issues/comments/${commentId}`;
    const response = await this.call('update comment', url, { method: 'PATCH', body: JSON.stringify({ body }) });
    return (await response.json()) as IssueComment;
  }

  async deleteIssueComment(repository: string, commentId: number): Promise<void> {
    const url = `${this.apiUrl}/repos/${repository}/issues/comments/${commentId}`;
    await this.call('delete comment', url, { method: 'DELETE' });
  }

  private async call(operation: string, url: string, init: RequestInit): Promise<Response> {
    const response = await this.fetch(url, {
      ...init,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        'user-agent': 'stedi-ci',
        'x-github-api-version': '2022-11-28',
      },
    });
    if (!response.ok) {
      let detail = '';
      try {
        const payload = (await response.json()) as { message?: unknown };
        if (typeof payload.message === 'string') detail = payload.message;
      } catch {
        // a body that is not JSON adds nothing the status does not say
      }
      throw new GitHubApiError(operation, response.status, detail);
    }
    return response;
  }
}

/** The `rel="next"` target of a `Link` header, or undefined on the last page. */
export function nextPageUrl(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}
