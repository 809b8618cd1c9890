// Gate Lambda: audits one zone of a run on Athena with the same rule evaluator the local runner
// uses. It points the staging database's tables at the run's folders, gathers the run's facts
// (validation counts from the Distributed Map's results, accounting, row counts), evaluates the
// zone's rules, writes the full report to the run's records and returns whether the run may go on.
// Invoked with `action: 'stage'` before validation, it points every staging table at the run's
// folders: the validator and the Glue jobs then read and write the run's data through those
// tables, under Lake Formation, never through paths.
// Failing rows in that report hold tokens for personal data: the lineage of each rule's columns
// was traced at synth time and embedded with the catalog (this bundle has no DuckDB to trace it),
// and the key of the tokens is random per invocation.
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BuiltZone } from '../catalog/registry';
import { AthenaEngine, type AthenaEngineOptions } from '../engine/athena-engine';
import { quoteIdent, type TableResolver } from '../engine/engine';
import { blockingMessage } from '../gates/auditor';
import { evaluateGate, type GateResult, type RunFacts } from '../gates/evaluator';
import { curatedFacts, trustedFacts } from '../gates/run-facts';
import { maskSamples } from '../gates/sample-privacy';
import { pointTable, readTable } from './glue-table-location';
import { embeddedCatalog, type LambdaCatalog } from './lambda-catalog';
import { LAMBDA_ENV, requireEnv } from './lambda-environment';
import { checkRunId, EXPIRY_TAGGING, runRecordKey, s3Uri, tableRunLocation, type RunBuckets } from '../catalog/run-layout';
import type { ValidateObjectResult } from './validator';

/** Where the Distributed Map wrote its results (its ResultWriterDetails). */
export interface MapResultLocation {
  readonly Bucket: string;
  readonly Key: string;
}

export interface GateEvent {
  readonly runId: string;
  readonly zone: BuiltZone;
  /**
   * Where the validator Maps wrote their results (one Map per dataset): required by the trusted
   * gate (quarantine share, accounting). A single location is read as a list of one.
   */
  readonly validation?: MapResultLocation | readonly MapResultLocation[];
}

export interface GateOutcome {
  readonly runId: string;
  readonly zone: BuiltZone;
  /** The state machine goes on only when this is true. */
  readonly passed: boolean;
  /** One line per blocking rule (what failed, how much, where it is defined). */
  readonly blocking: readonly string[];
  /** The full gate result and facts, for the report. */
  readonly report: string;
  readonly queries: number;
  readonly bytesScanned: number;
}

export interface GateOptions {
  readonly s3: S3Client;
  readonly glue: GlueClient;
  readonly athena: AthenaClient;
  readonly catalog: LambdaCatalog;
  readonly buckets: RunBuckets;
  readonly artifactsBucket: string;
  /** Zone (landing, trusted, curated, staging) -> Glue database. */
  readonly databases: Readonly<Record<string, string>>;
  readonly workgroup: string;
  /** Overrides for the Athena engine (tests: virtual time). */
  readonly engine?: Partial<AthenaEngineOptions>;
}

/** The validator results of a Distributed Map run, summed per dataset. */
export interface ValidationTotals {
  readonly datasets: Record<
    string,
    { read: number; recordBytes: number; valid: number; quarantined: number; quarantinedBytes: number; reasons: Record<string, number>; files: number }
  >;
  readonly ignored: { key: string; reason: string }[];
}

interface MapResultManifest {
  readonly ResultFiles?: Readonly<Record<string, readonly { readonly Key: string }[]>>;
}

const ZONE_ORDER = ['landing', 'trusted', 'curated'];

export class GateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateInputError';
  }
}

async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<T> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await out.Body!.transformToString('utf8')) as T;
}

/**
 * Sums the validator outputs the Maps' ResultWriters stored (one manifest per Map); a failed or
 * pending item is an error (records unaccounted for).
 */
export async function readValidation(s3: S3Client, where: MapResultLocation | readonly MapResultLocation[], catalog: LambdaCatalog): Promise<ValidationTotals> {
  const locations: readonly MapResultLocation[] = 'Key' in where ? [where as MapResultLocation] : (where as readonly MapResultLocation[]);
  if (!locations.length) throw new GateInputError('the validation results list no Map result (event.validation is empty)');
  const results: { Bucket: string; Key: string }[] = [];
  for (const loc of locations) {
    const manifest = await readJson<MapResultManifest>(s3, loc.Bucket, loc.Key);
    const files = manifest.ResultFiles ?? {};
    const unfinished = Object.entries(files).filter(([status, list]) => status !== 'SUCCEEDED' && list.length > 0);
    if (unfinished.length) {
      throw new GateInputError(
        `validation of this run did not finish for every landing object (${unfinished.map(([s, l]) => `${s}: ${l.length} result file(s)`).join(', ')} in ${s3Uri(loc.Bucket, loc.Key)}); their records are unaccounted for`,
      );
    }
    for (const f of files.SUCCEEDED ?? []) results.push({ Bucket: loc.Bucket, Key: f.Key });
  }
  const totals: ValidationTotals = { datasets: {}, ignored: [] };
  for (const d of catalog.datasets) totals.datasets[d.dataset] = { read: 0, recordBytes: 0, valid: 0, quarantined: 0, quarantinedBytes: 0, reasons: {}, files: 0 };
  for (const file of results) {
    const executions = await readJson<{ Output?: string }[]>(s3, file.Bucket, file.Key);
    for (const e of executions) {
      const r = JSON.parse(e.Output ?? 'null') as ValidateObjectResult | null;
      if (!r) throw new GateInputError(`a validator result in ${s3Uri(file.Bucket, file.Key)} has no output`);
      if (r.status === 'ignored' || r.dataset === null) {
        totals.ignored.push({ key: r.key, reason: r.reason ?? 'ignored' });
        continue;
      }
      const t = totals.datasets[r.dataset];
      t.files++;
      t.read += r.read;
      t.recordBytes += r.recordBytes ?? 0;
      t.valid += r.valid;
      t.quarantined += r.quarantined;
      t.quarantinedBytes += r.quarantinedBytes ?? 0;
      for (const [reason, n] of Object.entries(r.reasons)) t.reasons[reason] = (t.reasons[reason] ?? 0) + n;
    }
  }
  return totals;
}

/** `{ runId, action: 'stage' }`: point every staging table at the run's folders before anything reads or writes them. */
export interface StageEvent {
  readonly runId: string;
  readonly action: 'stage';
}

export interface StageOutcome {
  readonly runId: string;
  /** The staging tables now at the run, as `database.table`. */
  readonly staged: readonly string[];
}

/** Points each staging table of the zones up to `zone` (landing, then trusted, then curated) at the run's folder. */
async function stageTables(options: Pick<GateOptions, 'glue' | 'catalog' | 'buckets' | 'databases'>, runId: string, zone: BuiltZone): Promise<string[]> {
  const staging = options.databases.staging;
  const upTo = ZONE_ORDER.indexOf(zone);
  const staged: string[] = [];
  for (const t of options.catalog.tables.filter((x) => ZONE_ORDER.indexOf(x.zone) <= upTo)) {
    const current = await readTable(options.glue, staging, t.name);
    await pointTable(options.glue, current, tableRunLocation(t, runId, options.buckets), runId);
    staged.push(`${staging}.${t.name}`);
  }
  return staged;
}

/** The Stage step: every staging table at the run's folders, so that writes go through the tables (Lake Formation) from the first one on. */
export function createStager(options: Pick<GateOptions, 'glue' | 'catalog' | 'buckets' | 'databases'>): (event: StageEvent) => Promise<StageOutcome> {
  return async (event) => {
    const runId = checkRunId(event.runId);
    return { runId, staged: await stageTables(options, runId, 'curated') };
  };
}

export function createGate(options: GateOptions): (event: GateEvent) => Promise<GateOutcome> {
  const { catalog, databases } = options;
  const staging = databases.staging;
  const ref = (db: string, table: string) => `${quoteIdent(db)}.${quoteIdent(table)}`;
  const resolve: TableResolver = (t) => (catalog.tables.some((x) => x.name === t) ? ref(staging, t) : undefined);
  const factsDatasets = catalog.datasets.map((d) => ({ dataset: d.dataset, landingTable: d.table.name, accountingSql: d.accountingSql, ...(d.trustedTable ? { trustedTable: d.trustedTable } : {}) }));

  /** Points each staging table of the zones built so far at the run's folder (again: a gate may run alone). */
  const stage = (runId: string, zone: BuiltZone) => stageTables(options, runId, zone);

  return async (event) => {
    const runId = checkRunId(event.runId);
    const zone = event.zone;
    if (zone !== 'trusted' && zone !== 'curated') throw new GateInputError(`zone must be trusted or curated (got ${JSON.stringify(zone)})`);
    if (zone === 'trusted' && !event.validation) throw new GateInputError('the trusted gate needs the validation results (event.validation: the Map ResultWriterDetails)');

    await stage(runId, zone);
    const engine = new AthenaEngine({
      client: options.athena,
      workgroup: options.workgroup,
      database: staging,
      // Idempotent per run, zone and statement: a retried Lambda does not start the same query twice.
      clientRequestToken: (sql) => `${runId}-${zone}-${hash(sql)}`.slice(0, 128),
      ...options.engine,
    });
    let validation: ValidationTotals | undefined;
    let facts: RunFacts;
    let gate: GateResult;
    try {
      if (zone === 'trusted') {
        const totals = await readValidation(options.s3, event.validation!, catalog);
        validation = totals;
        facts = await trustedFacts(engine, factsDatasets, (d) => {
          const v = totals.datasets[d];
          return { read: v.read, quarantined: v.quarantined, reasons: v.reasons, valid: v.valid, recordBytes: v.recordBytes, quarantinedBytes: v.quarantinedBytes };
        }, resolve);
      } else {
        facts = await curatedFacts(engine, catalog.built.curated, resolve, async (name) => {
          const published = await readTable(options.glue, databases.curated, name);
          // A table that was never published has no previous run to compare volume with.
          return published.runId ? Number((await engine.query(`SELECT COUNT(*) AS n FROM ${ref(databases.curated, name)}`)).rows[0].n) : undefined;
        });
      }
      gate = await evaluateGate({ engine, zone, rules: catalog.rules, config: catalog.gateConfig, resolve, facts, samples: maskSamples(catalog.samplePrivacy) });
    } finally {
      await engine.close();
    }
    const key = runRecordKey(runId, `gate-${zone}.json`);
    const blocking = gate.rules.filter((r) => r.blocking).map(blockingMessage);
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.artifactsBucket,
        Key: key,
        Body: JSON.stringify({ runId, zone, passed: gate.passed, blocking, facts, ignoredObjects: validation?.ignored ?? [], gate }, null, 2),
        ContentType: 'application/json',
        // A report outlives its run by the retention days, then lifecycle deletes it.
        Tagging: EXPIRY_TAGGING,
      }),
    );
    const stats = engine.stats();
    return { runId, zone, passed: gate.passed, blocking, report: s3Uri(options.artifactsBucket, key), queries: stats.queries, bytesScanned: stats.bytesScanned };
  };
}

/** A short stable digest of a statement (FNV-1a, hex): tokens must be 32-128 characters in all. */
function hash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

let handle: { audit: (event: GateEvent) => Promise<GateOutcome>; stage: (event: StageEvent) => Promise<StageOutcome> } | undefined;

export async function handler(event: GateEvent | StageEvent): Promise<GateOutcome | StageOutcome> {
  if (!handle) {
    const options: GateOptions = {
      s3: new S3Client({}),
      glue: new GlueClient({}),
      athena: new AthenaClient({}),
      catalog: embeddedCatalog(),
      buckets: { trusted: requireEnv(LAMBDA_ENV.trustedBucket), curated: requireEnv(LAMBDA_ENV.curatedBucket) },
      artifactsBucket: requireEnv(LAMBDA_ENV.artifactsBucket),
      databases: JSON.parse(requireEnv(LAMBDA_ENV.databases)) as Record<string, string>,
      workgroup: requireEnv(LAMBDA_ENV.workgroup),
    };
    handle = { audit: createGate(options), stage: createStager(options) };
  }
  return 'action' in event && event.action === 'stage' ? handle.stage(event) : handle.audit(event as GateEvent);
}
