/** The markdown of the two pull-request comments: the quality report delta and the grants diff. */

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { redactEmails } from './personal-data-guard';
import { annotation, workflowRunUrl } from './workflow-commands';

/** What `stedi` exit statuses mean (README, "The `stedi` command"). */
export function describeExit(status: number): string {
  switch (status) {
    case 0:
      return 'published';
    case 1:
      return 'blocked by a gate';
    case 2:
      return 'usage or configuration error';
    case 75:
      return 'lake busy with another run';
    case 70:
      return 'crashed';
    default:
      return `exit ${status}`;
  }
}

export interface Revisions {
  /** The commit the workflow tested: for a pull request, GitHub's merge of the branch into the base. */
  readonly head: string;
  readonly base: string;
  readonly runUrl?: string;
}

/** One line under each comment: which commits were compared, and the run with the full output. */
export function footer(revisions: Revisions): string {
  const sha = (value: string) => (/^[0-9a-f]{7,40}$/i.test(value) ? `\`${value.slice(0, 7)}\`` : 'unknown');
  const run = revisions.runUrl ? ` · [workflow run](${revisions.runUrl})` : '';
  return `\n<sub>Branch ${sha(revisions.head)} (merged into the base) against base ${sha(revisions.base)}${run} · this comment is updated on every push</sub>\n`;
}

export interface QualityInputs {
  /** `stedi demo` exit status on the branch and on the base. */
  readonly headStatus: number;
  readonly baseStatus: number;
  /** `stedi report --against base head` output, when both runs wrote a report. */
  readonly delta?: string;
  /** The branch's own report.md, shown whole when the base has no report to compare with. */
  readonly headReport?: string;
  readonly revisions: Revisions;
}

export const QUALITY_TITLE = '## STEDI quality gates on the sample data';

/**
 * The delta when there is one; otherwise the branch's report with a line saying why nothing is
 * compared; otherwise what went wrong. The renderers' markdown is passed through untouched.
 */
export function qualityCommentBody(inputs: QualityInputs): string {
  const guarded = redactEmails(qualityCommentText(inputs));
  // stdout is the comment: the warning goes to the log.
  if (guarded.removed) {
    process.stderr.write(`${annotation('warning', 'personal data removed', `the quality report held ${guarded.removed} email address(es); they were removed from the comment. Reports must mask personal data: this is a bug to report.`)}\n`);
  }
  return guarded.text;
}

function qualityCommentText(inputs: QualityInputs): string {
  const { headStatus, baseStatus, delta, headReport, revisions } = inputs;
  const parts = [QUALITY_TITLE, ''];
  if (delta !== undefined && delta.trim() !== '') {
    parts.push(delta.trimEnd());
  } else if (headReport !== undefined && headReport.trim() !== '') {
    parts.push(
      `> [!NOTE]\n> No comparison: the base branch wrote no report (\`stedi demo\` ${describeExit(baseStatus)}). ` +
        'This is the branch report on its own.',
      '',
      headReport.trimEnd(),
    );
  } else {
    parts.push(
      `> [!CAUTION]\n> The branch could not run the pipeline on the sample data (\`stedi demo\` ${describeExit(headStatus)}), ` +
        'so there is no report. The job log of the workflow run says why.',
    );
  }
  return `${parts.join('\n')}\n${footer(revisions)}`;
}

export interface GrantsInputs {
  /** `stedi grants diff base head` exit status, and its markdown when it ran. */
  readonly diffStatus: number;
  readonly diff?: string;
  /** `npm run synth` exit status on the branch and on the base: without both there is nothing to compare. */
  readonly headSynthStatus: number;
  readonly baseSynthStatus: number;
  readonly revisions: Revisions;
}

/**
 * The grants diff as `stedi grants diff` printed it (its first line stays first: "No access
 * changes." there is how the poster knows not to open a new comment), or why there is none.
 */
export function grantsCommentBody(inputs: GrantsInputs): string {
  const { diffStatus, diff, headSynthStatus, baseSynthStatus, revisions } = inputs;
  let body: string;
  if (headSynthStatus !== 0) {
    body = `Lake Formation access: no diff, because the branch could not be synthesized (\`npm run synth\` exit ${headSynthStatus}); the verify job shows why.`;
  } else if (baseSynthStatus !== 0) {
    body =
      `Lake Formation access: no diff, because the base branch could not be synthesized (\`npm run synth\` exit ${baseSynthStatus}).\n\n` +
      'Review the committed grants documents in `docs/grants/` instead.';
  } else if (diffStatus !== 0 || diff === undefined) {
    body = `Lake Formation access: \`stedi grants diff\` failed (exit ${diffStatus}); the job log of the workflow run says why.`;
  } else {
    body = diff.trimEnd();
  }
  return `${body}\n${footer(revisions)}`;
}

const USAGE = `usage:
  pr-comment-body.ts quality --head-status N --base-status N [--delta FILE] [--head-report FILE] --head-sha SHA --base-sha SHA
  pr-comment-body.ts grants --diff-status N [--diff FILE] --head-synth-status N --base-synth-status N --head-sha SHA --base-sha SHA`;

function readIfPresent(path: string | undefined): string | undefined {
  return path !== undefined && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function status(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(parsed)) throw new Error(`--${name} must be an exit status`);
  return parsed;
}

/** CLI: prints the comment's markdown; exit 2 on a usage error. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        'head-status': { type: 'string' },
        'base-status': { type: 'string' },
        delta: { type: 'string' },
        'head-report': { type: 'string' },
        'diff-status': { type: 'string' },
        diff: { type: 'string' },
        'head-synth-status': { type: 'string' },
        'base-synth-status': { type: 'string' },
        'head-sha': { type: 'string', default: '' },
        'base-sha': { type: 'string', default: '' },
      },
      strict: true,
      allowPositionals: true,
    });
    const revisions = { head: values['head-sha'], base: values['base-sha'], runUrl: workflowRunUrl(env) };
    if (positionals[0] === 'quality' && positionals.length === 1) {
      process.stdout.write(
        qualityCommentBody({
          headStatus: status(values['head-status'], 'head-status'),
          baseStatus: status(values['base-status'], 'base-status'),
          delta: readIfPresent(values.delta),
          headReport: readIfPresent(values['head-report']),
          revisions,
        }),
      );
      return 0;
    }
    if (positionals[0] === 'grants' && positionals.length === 1) {
      process.stdout.write(
        grantsCommentBody({
          diffStatus: status(values['diff-status'], 'diff-status'),
          diff: readIfPresent(values.diff),
          headSynthStatus: status(values['head-synth-status'], 'head-synth-status'),
          baseSynthStatus: status(values['base-synth-status'], 'base-synth-status'),
          revisions,
        }),
      );
      return 0;
    }
    throw new Error(USAGE);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
