/** Markdown blocks that hold text the CI scripts did not write (plan output, JSON), escaped once, here. */

/** Text for HTML contexts (`<summary>`, attributes): the five characters HTML gives meaning. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A fenced code block that `text` cannot close early: the fence is one backtick longer than the
 * longest run of backticks inside it, so Terraform output or JSON renders verbatim, never as markdown.
 */
export function fencedBlock(text: string, language = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}${language}\n${body}${fence}\n`;
}

/** A collapsed section; `summary` is plain text and is escaped. */
export function detailsBlock(summary: string, markdown: string, open = false): string {
  const body = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>\n\n${body}\n</details>\n`;
}
