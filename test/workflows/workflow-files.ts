// The repository's GitHub Actions workflows, as text and parsed, for the lint and policy tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
export const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows');

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  'timeout-minutes'?: number;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: boolean };
  uses?: string;
  steps?: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export interface WorkflowFile {
  file: string;
  path: string;
  text: string;
  workflow: Workflow;
}

export function workflowFiles(): WorkflowFile[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => {
      const path = join(WORKFLOWS_DIR, file);
      const text = readFileSync(path, 'utf8');
      return { file, path, text, workflow: parse(text) as Workflow };
    });
}

export function workflow(file: string): Workflow {
  const found = workflowFiles().find((w) => w.file === file);
  if (!found) throw new Error(`.github/workflows/${file} does not exist`);
  return found.workflow;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

/** Every step of every job, with where it is. */
export function allSteps(files = workflowFiles()): { file: string; job: string; step: Step }[] {
  return files.flatMap(({ file, workflow: w }) =>
    Object.entries(w.jobs).flatMap(([job, spec]) => (spec.steps ?? []).map((step) => ({ file, job, step }))),
  );
}
