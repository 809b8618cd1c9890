// `stedi report`: a run report as GitHub markdown (a job summary, a pull-request comment), as
// plain text on a terminal, or the change between two reports.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { diffReports, renderDeltaMarkdown } from '../report/report-delta';
import { markdownToText } from '../report/markdown-plain';
import { artifactLink, DEFAULT_MARKDOWN_OPTIONS, renderMarkdown } from '../report/report-markdown';
import { parseReport, ReportFormatError, type RunReport } from '../report/run-report';
import { positiveInt } from './option-parsers';

export const REPORT_FORMATS = ['text', 'md', 'json'] as const;

function readReport(file: string): RunReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a folder, not a file' : err.message;
    throw new ReportFormatError(`${file}: cannot read it (${why}); pass the report.json of a run (<lake>/runs/<run id>/report.json)`);
  }
  return parseReport(text, file);
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('render a run report (plain text on a terminal, markdown otherwise), or the change between two reports (for a pull request: base against branch)')
    .argument('<report>', 'report.json of the run (the branch)')
    .option('--against <baseline>', 'report.json to compare with (the base branch)')
    .option('--max-bytes <n>', 'size cap of the markdown', (v) => positiveInt(v), DEFAULT_MARKDOWN_OPTIONS.maxBytes)
    .addOption(new Option('--format <format>', 'output (default: text on a terminal, md otherwise)').choices([...REPORT_FORMATS]))
    .option('--artifact-url <url>', 'where the full report can be downloaded (the CI artifact): linked from every "not shown" notice', (v) => {
      try {
        return artifactLink(v);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    })
    .action((file: string, o) => {
      const format: (typeof REPORT_FORMATS)[number] = o.format ?? (process.stdout.isTTY ? 'text' : 'md');
      const head = readReport(file);
      const options = { maxBytes: o.maxBytes, ...(o.artifactUrl ? { fullReport: o.artifactUrl as string } : {}) };
      if (o.against) {
        const delta = diffReports(readReport(o.against), head);
        if (format === 'json') process.stdout.write(JSON.stringify(delta, null, 2) + '\n');
        else {
          const md = renderDeltaMarkdown(delta, options);
          process.stdout.write(format === 'md' ? md : markdownToText(md));
        }
        return;
      }
      if (format === 'json') process.stdout.write(JSON.stringify(head, null, 2) + '\n');
      else {
        const md = renderMarkdown(head, options);
        process.stdout.write(format === 'md' ? md : markdownToText(md));
      }
    });
}
