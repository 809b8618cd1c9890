// An in-memory GitHub issue-comments API behind a fetch function, with GitHub's paging by Link header.
import type { IssueComment } from '../../scripts/ci/github-rest';

export interface FakeCall {
  method: string;
  url: string;
  body?: string;
  headers: Record<string, string>;
}

export class FakeGitHub {
  readonly calls: FakeCall[] = [];
  comments: (IssueComment & { body: string })[] = [];
  private nextId = 1000;
  /** Set to answer every request with this status (a read-only token answers 403). */
  failWith?: { status: number; message: string };

  constructor(
    readonly apiUrl = 'https://api.github.test',
    readonly pageSize = 100,
  ) {}

  seed(login: string, body: string): number {
    const id = this.nextId++;
    this.comments.push({ id, body, user: { login } });
    return id;
  }

  readonly fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? init.body : undefined;
    this.calls.push({ method, url, body, headers: { ...(init.headers as Record<string, string>) } });
    if (this.failWith) return json({ message: this.failWith.message }, this.failWith.status);

    const { pathname: fullPath, searchParams } = new URL(url);
    const prefix = new URL(this.apiUrl).pathname.replace(/\/+$/, '');
    const pathname = fullPath.startsWith(prefix) ? fullPath.slice(prefix.length) : fullPath;
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(pathname);
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(pathname);
    if (list && method === 'GET') {
      const page = Number(searchParams.get('page') ?? '1');
      const perPage = Math.min(this.pageSize, Number(searchParams.get('per_page') ?? '30'));
      const slice = this.comments.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < this.comments.length) {
        headers.link = `<${this.apiUrl}${pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.apiUrl}${pathname}?page=1>; rel="first"`;
      }
      return json(slice, 200, headers);
    }
    if (list && method === 'POST') {
      const id = this.seed('github-actions[bot]', JSON.parse(body!).body);
      return json(this.comments.find((c) => c.id === id), 201);
    }
    if (one) {
      const comment = this.comments.find((c) => c.id === Number(one[1]));
      if (!comment) return json({ message: 'Not Found' }, 404);
      if (method === 'PATCH') {
        comment.body = JSON.parse(body!).body;
        return json(comment, 200);
      }
      if (method === 'DELETE') {
        this.comments = this.comments.filter((c) => c !== comment);
        return new Response(null, { status: 204 });
      }
    }
    return json({ message: `unexpected ${method} ${pathname}` }, 400);
  };

  writes(): string[] {
    const prefix = new URL(this.apiUrl).pathname.replace(/\/+$/, '');
    return this.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${new URL(c.url).pathname.slice(prefix.length)}`);
  }
}

function json(payload: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } });
}
