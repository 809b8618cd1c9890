// Props of PipelineFunction: one Lambda of the pipeline.
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from '../iam/policy-document';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { LambdaBundle } from './lambda-bundle';

export interface PipelineFunctionProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * Short name: the function is `stedi-<env>-<name>`, its role `stedi-<env>-lake-<name>`.
   * @default - none (required)
   */
  readonly name: string;
  /**
   * What it is for, shown in the AWS console.
   * @default - none (required)
   */
  readonly description: string;
  /**
   * The esbuild bundle (see bundleLambdas).
   * @default - none (required)
   */
  readonly bundle: LambdaBundle;
  /**
   * What the handler needs beyond its logs and traces.
   * @default - none (required)
   */
  readonly statements: readonly PolicyStatement[];
  /**
   * Environment variables of the function (bucket names, databases, workgroup).
   * @default - none (required)
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: DataLakeKey;
  /**
   * Days CloudWatch keeps the logs (config retention.logDays).
   * @default - none (required)
   */
  readonly logRetentionDays: number;
  /**
   * Seconds one invocation may run.
   * @default - none (required)
   */
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
