// The constructs' props document their defaults where they are declared, the documented defaults
// are the constants the code uses, and those constants are what reaches the synthesized Terraform.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import ts from 'typescript';
import { DATA_LAKE_KEY_DEFAULTS } from '../../stacks/storage/data-lake-key-props';
import { GLUE_CATALOG_DEFAULTS } from '../../stacks/catalog/glue-catalog-props';
import { LAKE_ROLE_DEFAULTS } from '../../stacks/iam/lake-role-props';
import { PIPELINE_FUNCTION_DEFAULTS } from '../../stacks/orchestration/pipeline-function-props';
import { PIPELINE_SCHEDULE_DEFAULTS } from '../../stacks/orchestration/pipeline-schedule-props';
import { PIPELINE_STATE_MACHINE_DEFAULTS } from '../../stacks/orchestration/pipeline-state-machine-props';
import { QUERY_WORKGROUP_DEFAULTS } from '../../stacks/processing/query-workgroup-props';
import { SECURE_BUCKET_DEFAULTS } from '../../stacks/storage/secure-bucket-props';
import { TERRAFORM_CLOUD_TRUST_DEFAULTS } from '../../stacks/bootstrap/terraform-cloud-trust-props';
import { TRANSFORM_JOBS_DEFAULTS } from '../../stacks/processing/transform-jobs-props';
import { resources, type JsonObject } from '../../stacks/checks/terraform-json';
import { synthesize, type Synthesized } from './synthesized';

const STACKS = resolve(__dirname, '..', '..', 'stacks');

/** Files of stacks/ this issue owns (stacks/governance/ belongs to the Lake Formation issue). */
function files(dir: string = STACKS): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'governance' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

interface DocumentedProp {
  readonly file: string;
  readonly iface: string;
  readonly prop: string;
  readonly defaultText?: string;
}

function documentedProps(file: string): DocumentedProp[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: DocumentedProp[] = [];
  sf.forEachChild((n) => {
    if (!ts.isInterfaceDeclaration(n)) return;
    for (const m of n.members) {
      if (!ts.isPropertySignature(m)) continue;
      const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === 'default');
      const text = tag ? (typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? '') : undefined;
      out.push({ file: basename(file), iface: n.name.text, prop: (m.name as ts.Identifier).text, ...(text !== undefined ? { defaultText: text.trim() } : {}) });
    }
  });
  return out;
}

const literal = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

describe('construct props', () => {
  const propsFiles = files().filter((f) => f.endsWith('-props.ts'));

  it('every construct sits in its own file with its props interface beside it', () => {
    const constructs = files().filter((f) => /export class \w+ extends (Construct|TerraformStack)\b/.test(readFileSync(f, 'utf8')));
    expect(constructs.length).toBeGreaterThan(15);
    expect(constructs.filter((f) => !existsSync(f.replace(/\.ts$/, '-props.ts'))).map((f) => basename(f))).toEqual([]);
    for (const f of constructs) expect(`${basename(f)} ${readFileSync(f, 'utf8').match(/export class \w+ extends/g)!.length}`).toBe(`${basename(f)} 1`);
  });

  it('every prop documents its default (@default) where it is declared', () => {
    const props = propsFiles.flatMap(documentedProps);
    expect(props.length).toBeGreaterThan(80);
    expect(props.filter((p) => p.defaultText === undefined).map((p) => `${p.file} ${p.iface}.${p.prop}`)).toEqual([]);
  });

  it('the documented defaults are the values of the *_DEFAULTS constants the code uses', () => {
    const constants: Record<string, Record<string, unknown>> = {
      'data-lake-key-props.ts': DATA_LAKE_KEY_DEFAULTS,
      'glue-catalog-props.ts': GLUE_CATALOG_DEFAULTS,
      'lake-role-props.ts': LAKE_ROLE_DEFAULTS,
      'pipeline-function-props.ts': PIPELINE_FUNCTION_DEFAULTS,
      'pipeline-schedule-props.ts': PIPELINE_SCHEDULE_DEFAULTS,
      'pipeline-state-machine-props.ts': PIPELINE_STATE_MACHINE_DEFAULTS,
      'query-workgroup-props.ts': QUERY_WORKGROUP_DEFAULTS,
      'secure-bucket-props.ts': SECURE_BUCKET_DEFAULTS,
      'terraform-cloud-trust-props.ts': TERRAFORM_CLOUD_TRUST_DEFAULTS,
      'transform-jobs-props.ts': TRANSFORM_JOBS_DEFAULTS,
    };
    // Every *_DEFAULTS constant of a props file is listed above.
    const declared = propsFiles.filter((f) => /export const \w+_DEFAULTS\b/.test(readFileSync(f, 'utf8'))).map((f) => basename(f));
    expect(declared.sort()).toEqual(Object.keys(constants).sort());
    let compared = 0;
    for (const f of propsFiles) {
      const constant = constants[basename(f)];
      if (!constant) continue;
      for (const p of documentedProps(f)) {
        if (!(p.prop in constant)) continue;
        compared++;
        expect(`${p.file} ${p.prop}: ${p.defaultText}`).toMatch(new RegExp(`^${p.file} ${p.prop}: ${literal(constant[p.prop]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`));
      }
    }
    expect(compared).toBeGreaterThanOrEqual(15);
  });
});

describe('defaults in the synthesized Terraform', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  });
  const all = (type: string) => resources(synth.stack('stedi-prod-lakehouse'), type).map((r) => r.body);

  it('reach every resource they govern', () => {
    for (const l of all('aws_s3_bucket_lifecycle_configuration')) {
      expect((l.rule as JsonObject[])[0]).toMatchObject({ id: 'abort-incomplete-uploads', abort_incomplete_multipart_upload: [{ days_after_initiation: SECURE_BUCKET_DEFAULTS.abortIncompleteUploadDays }] });
    }
    expect(all('aws_kms_key')[0]).toMatchObject({ deletion_window_in_days: DATA_LAKE_KEY_DEFAULTS.deletionWindowDays, rotation_period_in_days: DATA_LAKE_KEY_DEFAULTS.rotationPeriodDays });
    for (const f of all('aws_lambda_function')) expect(f).toMatchObject({ runtime: PIPELINE_FUNCTION_DEFAULTS.runtime, architectures: [PIPELINE_FUNCTION_DEFAULTS.architecture] });
    for (const j of all('aws_glue_job')) expect(j).toMatchObject({ glue_version: TRANSFORM_JOBS_DEFAULTS.glueVersion, worker_type: TRANSFORM_JOBS_DEFAULTS.workerType, max_retries: TRANSFORM_JOBS_DEFAULTS.maxRetries });
    expect(all('aws_athena_workgroup')[0]).toMatchObject({ configuration: { engine_version: { selected_engine_version: QUERY_WORKGROUP_DEFAULTS.engineVersion } } });
    expect(all('aws_scheduler_schedule')[0]).toMatchObject({ target: { retry_policy: { maximum_retry_attempts: PIPELINE_SCHEDULE_DEFAULTS.retries } } });
    expect(all('aws_sfn_state_machine')[0]).toMatchObject({ logging_configuration: { level: PIPELINE_STATE_MACHINE_DEFAULTS.logLevel } });
    for (const r of all('aws_iam_role')) expect(r).toMatchObject({ max_session_duration: LAKE_ROLE_DEFAULTS.maxSessionDuration, permissions_boundary: 'arn:aws:iam::222222222222:policy/stedi-prod-lake-boundary' });
    const landing = all('aws_glue_catalog_table').filter((t) => String(t.database_name).includes('catalog_database-landing_'));
    for (const t of landing) expect(((t.storage_descriptor as JsonObject).ser_de_info as JsonObject).parameters).toEqual({ 'ignore.malformed.json': String(GLUE_CATALOG_DEFAULTS.ignoreMalformedLandingJson).toUpperCase() });
    for (const r of resources(synth.stack('stedi-prod-bootstrap'), 'aws_iam_role')) expect(r.body.max_session_duration).toBe(TERRAFORM_CLOUD_TRUST_DEFAULTS.maxSessionDuration);
  });
});
