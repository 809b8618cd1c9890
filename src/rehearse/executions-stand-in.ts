// The rehearsal's stand-in for Step Functions' execution list: every rehearsal of a work folder
// records its execution in <work>/states/executions.json, so that ListExecutions (the pipeline's
// overlap check) sees the rehearsals running on the same folder, this one included. An execution
// whose process is gone counts as aborted, not running.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { processAlive } from '../pipeline/process-alive';

export interface ExecutionEntry {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  readonly startDate: number;
  stopDate?: number;
  readonly pid: number;
}

/** An error of the Step Functions API (the state machine sees `Sfn.<name>`). */
export class SfnError extends Error {
  constructor(name: 'StateMachineDoesNotExist' | 'InvalidArn', message: string) {
    super(message);
    this.name = name;
  }
}

export class ExecutionsStandIn {
  constructor(
    private readonly file: string,
    private readonly stateMachineArn: string,
  ) {}

  start(entry: Omit<ExecutionEntry, 'status' | 'pid' | 'stateMachineArn'>): void {
    this.update((all) => all.push({ ...entry, stateMachineArn: this.stateMachineArn, status: 'RUNNING', pid: process.pid }));
  }

  finish(executionArn: string, status: 'SUCCEEDED' | 'FAILED'): void {
    this.update((all) => {
      const e = all.find((x) => x.executionArn === executionArn);
      if (e) Object.assign(e, { status, stopDate: Date.now() });
    });
  }

  /** ListExecutions, newest first, as the aws-sdk:sfn:listExecutions integration returns it. */
  listExecutions(input: { StateMachineArn?: string; StatusFilter?: string; MaxResults?: number }): { Executions: Record<string, unknown>[] } {
    if (input.StateMachineArn !== this.stateMachineArn) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.StateMachineArn}'`);
    const all = this.read()
      .map((e) => (e.status === 'RUNNING' && !processAlive(e.pid) ? { ...e, status: 'ABORTED' as const } : e))
      .filter((e) => !input.StatusFilter || e.status === input.StatusFilter)
      .sort((a, b) => b.startDate - a.startDate);
    const max = input.MaxResults && input.MaxResults > 0 ? input.MaxResults : 100;
    return {
      Executions: all.slice(0, max).map((e) => ({
        ExecutionArn: e.executionArn,
        StateMachineArn: e.stateMachineArn,
        Name: e.name,
        Status: e.status,
        StartDate: new Date(e.startDate).toISOString(),
        ...(e.stopDate ? { StopDate: new Date(e.stopDate).toISOString() } : {}),
      })),
    };
  }

  private read(): ExecutionEntry[] {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as ExecutionEntry[]) : [];
  }

  private update(change: (all: ExecutionEntry[]) => void): void {
    const all = this.read();
    change(all);
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.partial`, JSON.stringify(all, null, 2));
    renameSync(`${this.file}.partial`, this.file);
  }
}
