// Turns the markdown the report renderers write into plain text for a terminal: tables aligned,
// headings underlined, escapes and entities resolved, markup and status icons dropped. It reads
// only what renderMarkdown and renderDeltaMarkdown write (data there is escaped, so every
// unescaped `*`, `_` and backtick is markup); control characters are written as escapes.
import { escapeControls } from './terminal-escape';

const ENTITY: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#8203': '' };
/** The status icons of the markdown: a terminal aligns the words better without them. */
const ICONS = /(✅|⚠️|⚠|❌|💥|⏭️|⏭)\s?/gu;

/** Inline markdown to text: `\x` is x, entities decoded, emphasis and code markers dropped, links as "text (url)". */
export function inlineText(md: string): string {
  let out = '';
  for (let i = 0; i < md.length; i++) {
    const c = md[i];
    if (c === '\\' && i + 1 < md.length) {
      out += md[++i];
    } else if (c === '&') {
      const m = /^&(amp|lt|gt|quot|#8203);/.exec(md.slice(i, i + 8));
      if (m) {
        out += ENTITY[m[1]];
        i += m[0].length - 1;
      } else out += c;
    } else if (c === '*' || c === '`' || c === '_') {
      // markup: literal ones arrive escaped
    } else if (c === '[') {
      const m = /^\[([^\]]*)\]\(([^)\s]*)\)/.exec(md.slice(i));
      if (m) {
        out += `${inlineText(m[1])} (${m[2]})`;
        i += m[0].length - 1;
      } else out += c;
    } else out += c;
  }
  return escapeControls(out.replace(ICONS, ''));
}

/** Cells of a markdown table row: split on every pipe not escaped. */
function cells(row: string): string[] {
  return row.replace(/^\|/, '').replace(/\|\s*$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

function table(rows: readonly string[]): string[] {
  const [head, rule, ...body] = rows.map(cells);
  const right = (rule ?? []).map((c) => /-+:$/.test(c));
  const text = [head, ...body].map((r) => r.map(inlineText));
  const widths = head.map((_, i) => Math.max(...text.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (right[i] ? c.padStart(widths[i] + c.length - [...c].length) : c.padEnd(widths[i] + c.length - [...c].length))).join('  ').trimEnd();
  return [line(text[0]), line(widths.map((w) => '-'.repeat(w))), ...text.slice(1).map(line)];
}

/** The whole document as text. */
export function markdownToText(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('|')) {
      const block: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) block.push(lines[i++]);
      i--;
      out.push(...table(block));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = inlineText(heading[2]);
      out.push(text);
      if (heading[1].length <= 3) out.push((heading[1].length <= 2 ? '=' : '-').repeat([...text].length));
      continue;
    }
    const summary = /^<details><summary>(.*)<\/summary>$/.exec(line);
    if (summary) {
      out.push(inlineText(summary[1]));
      continue;
    }
    if (line === '</details>') continue;
    out.push(inlineText(line));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
