// Fitting markdown under GitHub's limits: never over, a visible notice, and nothing the renderers escaped undone.
import { detailsBlock, escapeHtml, fencedBlock } from '../../scripts/ci/markdown-blocks';
import { closersFor, fitMarkdown, type FitOptions, utf16Length, utf8Bytes } from '../../scripts/ci/markdown-limits';

const NOTICE = '\n> [!WARNING]\n> Truncated.\n';
const options = (limit: number, measure = utf16Length): FitOptions => ({ limit, measure, notice: () => NOTICE });
/** The kept part of a fitted text, without what the cut added. */
const keptOf = (text: string) => text.slice(0, text.lastIndexOf(NOTICE));

describe('fitMarkdown: what fits is left alone', () => {
  it('returns the text unchanged and says nothing was cut', () => {
    const text = '# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
    expect(fitMarkdown(text, options(text.length))).toEqual({ text, truncated: false });
  });
});

describe('fitMarkdown: what does not fit is cut under the limit, with the notice', () => {
  const report = Array.from({ length: 500 }, (_, i) => `| rule_${i} | failed | ${i} | \`id-${i}\` &amp; more |`).join('\n') + '\n';

  it.each([
    ['characters', utf16Length],
    ['UTF-8 bytes', utf8Bytes],
  ])('never exceeds the limit in %s, whatever the limit', (_unit, measure) => {
    const text = `${report}\u00e9\u{1F600}`.repeat(3);
    for (let limit = 60; limit < 4000; limit += 37) {
      const fitted = fitMarkdown(text, options(limit, measure));
      expect(fitted.truncated).toBe(true);
      expect(measure(fitted.text)).toBeLessThanOrEqual(limit);
      expect(fitted.text.endsWith(NOTICE)).toBe(true);
      expect(text.startsWith(keptOf(fitted.text).replace(/\n$/, ''))).toBe(true);
    }
  });

  it('keeps whole lines, so no table row is cut in half', () => {
    const fitted = fitMarkdown(report, options(2000));
    const kept = keptOf(fitted.text);
    expect(kept.endsWith('|\n')).toBe(true);
    expect(report.startsWith(kept)).toBe(true);
  });

  it('tells the notice how much was kept of how much', () => {
    const seen: [number, number][] = [];
    fitMarkdown('aaaa\nbbbb\ncccc\n', { limit: 12, measure: utf16Length, notice: (shown, total) => (seen.push([shown, total]), '!') });
    expect(seen[seen.length - 1]).toEqual([10, 15]);
  });

  it('returns the notice alone when not even one line fits, and refuses a limit smaller than the notice', () => {
    expect(fitMarkdown('x'.repeat(100), options(NOTICE.length)).text).toBe(NOTICE);
    expect(() => fitMarkdown('x'.repeat(100), options(5))).toThrow('the truncation notice alone');
  });
});

describe('fitMarkdown: a cut inside a block closes the block so the notice is read as text', () => {
  it('1. a code fence of failing rows', () => {
    const text = `Failing rows:\n\n\`\`\`\n${'row | <b>raw</b>\n'.repeat(200)}\`\`\`\nafter\n`;
    const fitted = fitMarkdown(text, options(500));
    expect(keptOf(fitted.text)).toMatch(/row \| <b>raw<\/b>\n```\n$/);
    expect(closersFor(fitted.text)).toBe('');
  });

  it('2. a longer or tilde fence is closed with the same fence, and a shorter fence inside does not close it', () => {
    const text = `\`\`\`\`md\n\`\`\`\ninner\n${'line\n'.repeat(200)}\`\`\`\`\n`;
    expect(keptOf(fitMarkdown(text, options(300)).text).endsWith('line\n````\n')).toBe(true);
    const tilde = `~~~~\n${'t\n'.repeat(300)}~~~~\n`;
    expect(keptOf(fitMarkdown(tilde, options(200)).text).endsWith('t\n~~~~\n')).toBe(true);
  });

  it('3. a collapsed <details> section (nested ones too)', () => {
    const text = `<details><summary>plan</summary>\n\n<details>\n\n${'- item\n'.repeat(300)}</details>\n</details>\n`;
    const kept = keptOf(fitMarkdown(text, options(600)).text);
    expect(kept.endsWith('- item\n\n</details>\n\n</details>\n')).toBe(true);
  });

  it('4. an HTML comment left open (it would hide the notice)', () => {
    const text = `<!-- note\n${'hidden\n'.repeat(200)}-->\nshown\n`;
    expect(keptOf(fitMarkdown(text, options(300)).text).endsWith('hidden\n-->\n')).toBe(true);
  });

  it('5. a fence inside a details section: the fence closes first, then the section', () => {
    const text = detailsBlock('log', fencedBlock('x\n'.repeat(500)));
    expect(keptOf(fitMarkdown(text, options(300)).text)).toMatch(/x\n```\n\n<\/details>\n$/);
  });

  it('6. markup inside a code fence is not counted as open blocks', () => {
    expect(closersFor('```\n<details>\n<!-- x\n```\n')).toBe('');
    expect(closersFor('<details>\n</details>\n')).toBe('');
  });
});

describe('fitMarkdown: a single line too long is cut where it changes no meaning', () => {
  const cutAt = (line: string, budget: number) => keptOf(fitMarkdown(`${line}\n`, options(budget + NOTICE.length)).text).replace(/\n$/, '');

  it('1. never inside an HTML entity the renderer wrote', () => {
    const line = '&lt;script&gt;'.repeat(100);
    for (let budget = 20; budget < 60; budget += 1) {
      const kept = cutAt(line, budget);
      expect(line.startsWith(kept)).toBe(true);
      expect(kept).not.toMatch(/&[#A-Za-z0-9]*$/);
    }
  });

  it('2. never between the two halves of a surrogate pair', () => {
    const line = 'ab\u{1F600}'.repeat(200);
    for (let budget = 30; budget < 50; budget += 1) {
      expect(cutAt(line, budget)).not.toMatch(/[\uD800-\uDBFF]$/);
    }
  });

  it('3. never inside a code span (its text would become live markup)', () => {
    const line = 'value `<img src=x onerror=alert(1)>` and more'.repeat(40);
    for (let budget = 20; budget < 90; budget += 1) {
      const kept = cutAt(line, budget);
      expect((kept.match(/`/g) ?? []).length % 2).toBe(0);
      expect(kept).not.toMatch(/<[^>]*$/);
    }
  });

  it('4. never after a lone backslash escape', () => {
    const line = 'a\\|'.repeat(300);
    for (let budget = 30; budget < 40; budget += 1) {
      expect(cutAt(line, budget)).not.toMatch(/(^|[^\\])(\\\\)*\\$/);
    }
  });
});

describe('markdown blocks for text we did not write', () => {
  it('fencedBlock picks a fence longer than any backtick run inside, so the text cannot close it', () => {
    const hostile = 'out\n```\n# not a heading\n`````\n';
    const block = fencedBlock(hostile, 'text');
    expect(block).toBe('``````text\nout\n```\n# not a heading\n`````\n``````\n');
    expect(closersFor(block)).toBe('');
    expect(fencedBlock('plain', 'json')).toBe('```json\nplain\n```\n');
  });

  it('escapeHtml neutralises the characters HTML gives meaning', () => {
    expect(escapeHtml(`<b a="1" b='2'>&`)).toBe('&#60;b a=&#34;1&#34; b=&#39;2&#39;&#62;&#38;');
  });

  it('detailsBlock escapes its summary and leaves the body as it is', () => {
    expect(detailsBlock('plan: <stack>', '| a |')).toBe('<details><summary>plan: &#60;stack&#62;</summary>\n\n| a |\n\n</details>\n');
  });
});
