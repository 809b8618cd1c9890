// Props of PipelineFunction: one Lambda of the pipeline.
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from '../iam/policy-document';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { LambdaBundle } from './lambda-bundle';

export interface PipelineFunctionProps {
  readonly names: ResourceNames;
  /** Short name: the function is `stedi-<env>-<name>`, its role `stedi-<env>-lake-<name>`. */
  readonly name: string;
  readonly description: string;
  /** The esbuild bundle (see bundleLambdas). */
  readonly bundle: LambdaBundle;
  /** What the handler needs beyond its logs, traces and dead letters. */
  readonly statements: readonly PolicyStatement[];
  readonly environment: Readonly<Record<string, string>>;
  readonly key: DataLakeKey;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly logRetentionDays: number;
  /** Seconds one invocation may run. */
  readonly timeoutSeconds: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** Scratch space in /tmp, MiB. @default 512 */
  readonly ephemeralStorageMiB?: number;
  /** Concurrent executions reserved (and capped) for the function. @default 10 */
  readonly reservedConcurrency?: number;
  /** @default 'nodejs22.x' */
  readonly runtime?: string;
  /** @default 'arm64' */
  readonly architecture?: string;
}

export const PIPELINE_FUNCTION_DEFAULTS = {
  memoryMiB: 512,
  ephemeralStorageMiB: 512,
  reservedConcurrency: 10,
  runtime: 'nodejs22.x',
  architecture: 'arm64',
} as const;
