/** Appends markdown (or verbatim text in a code block) to the step's job summary, within GitHub's 1 MiB. */

import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { detailsBlock, fencedBlock } from './markdown-blocks';
import { fitMarkdown, GITHUB_STEP_SUMMARY_MAX_BYTES, utf8Bytes } from './markdown-limits';
import { redactEmails } from './personal-data-guard';
import { annotation } from './workflow-commands';

export interface SummarySection {
  /** Markdown, or verbatim text when `code` is set. */
  readonly text: string;
  /** Show `text` verbatim in a code block of this language ('' for none). @default - `text` is markdown */
  readonly code?: string;
  /** Collapse the section under this plain-text summary line. @default - shown expanded */
  readonly details?: string;
}

export function renderSection(section: SummarySection): string {
  const body = section.code === undefined ? section.text : fencedBlock(section.text, section.code);
  const block = section.details === undefined ? body : detailsBlock(section.details, body);
  return block.endsWith('\n') ? `${block}\n` : `${block}\n\n`;
}

/** `markdown` cut to the bytes this step's summary has left, with a notice saying where the rest is. */
export function fitSummary(markdown: string, remainingBytes: number): string {
  return fitMarkdown(markdown, {
    limit: remainingBytes,
    measure: utf8Bytes,
    notice: (shown, total) =>
      `\n> [!WARNING]\n> **Truncated:** the job summary keeps the first ${shown.toLocaleString('en-US')} of ` +
      `${total.toLocaleString('en-US')} bytes of this section (GitHub keeps at most 1 MiB per step). ` +
      `The whole files are in this run's artifacts.\n\n`,
  }).text;
}

/** Bytes left in the step's summary file before GitHub's limit. */
export function remainingSummaryBytes(summaryPath: string): number {
  const used = existsSync(summaryPath) ? statSync(summaryPath).size : 0;
  return Math.max(0, GITHUB_STEP_SUMMARY_MAX_BYTES - used);
}

const USAGE = 'usage: job-summary.ts [--code LANG] [--details SUMMARY] [--missing TEXT] FILE...   (env: GITHUB_STEP_SUMMARY; prints to stdout without it)';

/** CLI: exit 0 written, 2 usage error or a missing file without --missing. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        code: { type: 'string' },
        details: { type: 'string' },
        missing: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    console.error(USAGE);
    return 2;
  }
  for (const file of positionals) {
    let section: SummarySection;
    if (existsSync(file)) {
      section = { text: readFileSync(file, 'utf8'), code: values.code, details: values.details };
    } else if (values.missing !== undefined) {
      section = { text: values.missing };
    } else {
      console.error(`job-summary: ${file} does not exist`);
      return 2;
    }
    const guarded = redactEmails(renderSection(section));
    if (guarded.removed) {
      console.log(annotation('warning', 'personal data removed', `${file} held ${guarded.removed} email address(es); they were removed from the job summary. Reports must mask personal data: this is a bug to report.`));
    }
    const markdown = guarded.text;
    const target = env.GITHUB_STEP_SUMMARY;
    if (!target) {
      process.stdout.write(markdown);
      continue;
    }
    const remaining = remainingSummaryBytes(target);
    try {
      appendFileSync(target, fitSummary(markdown, remaining), 'utf8');
    } catch (error) {
      // Only a summary already at its limit leaves no room for even the notice.
      console.log(annotation('warning', 'job summary full', `${file} was not added: ${(error as Error).message}`));
    }
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
