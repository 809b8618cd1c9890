// Writes a run's reports into its run folder: report.json, report.md and junit.xml.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManifest } from '../pipeline/manifest';
import { namingFile } from '../errors/write-fault';
import { buildReport, type BuildReportOptions } from './run-report';
import { renderMarkdown, type MarkdownOptions } from './report-markdown';
import { renderJunit } from './report-junit';

/** File names inside the run folder. */
export const REPORT_FILES = { json: 'report.json', md: 'report.md', junit: 'junit.xml' } as const;

export interface WriteReportsOptions {
  readonly report?: BuildReportOptions;
  readonly markdown?: MarkdownOptions;
}

/** Paths of the files written. */
export interface ReportPaths {
  readonly json: string;
  readonly md: string;
  readonly junit: string;
}

/** Writes through a temporary file and a rename, so a reader never sees half a report. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw namingFile(e, path);
  }
}

export function writeReports(dir: string, manifest: RunManifest, options: WriteReportsOptions = {}): ReportPaths {
  const report = buildReport(manifest, options.report);
  mkdirSync(dir, { recursive: true });
  const paths: ReportPaths = {
    json: join(dir, REPORT_FILES.json),
    md: join(dir, REPORT_FILES.md),
    junit: join(dir, REPORT_FILES.junit),
  };
  writeWhole(paths.json, JSON.stringify(report, null, 2) + '\n');
  writeWhole(paths.md, renderMarkdown(report, options.markdown));
  writeWhole(paths.junit, renderJunit(report));
  return paths;
}
