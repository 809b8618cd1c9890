// Each security check of the pack (stacks/checks/security-checks.ts): compliant on the synthesized
// app, and non-compliant on numbered variants that break exactly the property it asserts.
import { describeViolations } from '../../stacks/checks/check';
import { checkSynthOutput, runSecurityCheck, SECURITY_CHECKS, type SecurityCheck } from '../../stacks/checks/security-checks';
import type { SynthesizedApp } from '../../stacks/checks/terraform-json';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drop, everyStack, pick, pickData, synthesize, variant, type Synthesized } from './synthesized';

let synth: Synthesized;
let app: SynthesizedApp;
const DEV = 'stedi-dev-lakehouse';
const DEV_BOOT = 'stedi-dev-bootstrap';
const PROD = 'stedi-prod-lakehouse';

beforeAll(() => {
  synth = synthesize();
  app = synth.app;
});

const check = (id: string): SecurityCheck => {
  const c = SECURITY_CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
const problems = (id: string, a: SynthesizedApp) => runSecurityCheck(check(id), a).findings.map((f) => `${f.stack} ${f.resource}: ${f.detail}`);
const statusOf = (id: string, a: SynthesizedApp) => runSecurityCheck(check(id), a).status;

/** A copy of the app without any resource of `types`, in every stack. */
const without = (a: SynthesizedApp, ...types: string[]) => everyStack(a, (j) => types.forEach((t) => delete j.resource?.[t]));

/** The app with one stack only (for checks that look at the whole app), edited by `change`. */
const alone = (stack: string, change: (json: any) => void) => variant({ ...app, stacks: app.stacks.filter((s) => s.name === stack) }, stack, change);

/** Statements of a policy document data source, for editing. */
const statements = (json: any, fragment: string) => pickData(json, 'aws_iam_policy_document', fragment).statement as any[];

describe('the pack', () => {
  it('lists every checklist line of issue 4 (1-17 and 22-24), each check once, and each with a reason and a remedy', () => {
    expect(SECURITY_CHECKS.map((c) => c.checklist).filter((n) => n !== undefined)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 22, 23, 24]);
    expect(new Set(SECURITY_CHECKS.map((c) => c.id)).size).toBe(SECURITY_CHECKS.length);
    for (const c of SECURITY_CHECKS) {
      expect(c.reason.length).toBeGreaterThan(20);
      expect(c.remedy.length).toBeGreaterThan(20);
    }
  });

  it('the synthesized app of both environments is compliant with every check', () => {
    const results = SECURITY_CHECKS.map((c) => runSecurityCheck(c, app));
    expect(results.filter((r) => r.status !== 'compliant').map((r) => `${r.check}: ${r.status} ${r.findings.map((f) => f.detail).join('; ')}`)).toEqual([]);
  });

  it('each check states what it asserts, and a violation message leads with it, then where, why and how to fix', () => {
    for (const c of SECURITY_CHECKS) expect([c.id, c.asserts.length > 15, c.source.length > 10]).toEqual([c.id, true, true]);
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_versioning', 'artifacts').versioning_configuration.status = 'Suspended'));
    const c = check('BucketsVersioned');
    expect(describeViolations(SECURITY_CHECKS, [runSecurityCheck(c, a)])).toBe(
      [
        'BucketsVersioned (SECURITY-CHECKLIST 6): every bucket has versioning enabled',
        `  - ${DEV} aws_s3_bucket.storage_artifacts_bucket_2F32E0CB: versioning is Suspended`,
        `  why: ${c.reason}`,
        `  fix: ${c.remedy}`,
      ].join('\n'),
    );
  });

  it('a check finds nothing to judge in an app without what it is about: not applicable, never compliant', () => {
    const cases: [string, string[]][] = [
      ...['BucketsBlockPublicAccess', 'BucketsVersioned', 'BucketsOwnerEnforcedAndAbortUploads', 'BucketsEncryptedWithEnvironmentKey', 'BucketsLogToDedicatedBucket', 'BucketsDenyInsecureTransport'].map(
        (id): [string, string[]] => [id, ['aws_s3_bucket']],
      ),
      ['AthenaWorkgroupEnforced', ['aws_athena_workgroup']],
      ['GlueCatalogEncrypted', ['aws_glue_catalog_database']],
      ['GlueJobsEncrypted', ['aws_glue_job']],
      ['KmsKeysRotatedWithExplicitPolicy', ['aws_kms_key']],
      ['LogGroupsEncryptedWithRetention', ['aws_cloudwatch_log_group', 'aws_lambda_function', 'aws_sfn_state_machine']],
    ];
    expect(cases.map(([id, types]) => runSecurityCheck(check(id), without(app, ...types)))).toEqual(cases.map(([id]) => ({ check: id, status: 'not-applicable', findings: [] })));
  });

  it('a check that throws counts as a violation (fail closed)', () => {
    const broken: SecurityCheck = { ...check('BucketsVersioned'), evaluate: () => { throw new Error('boom'); } };
    expect(runSecurityCheck(broken, app)).toMatchObject({ status: 'non-compliant', findings: [{ detail: 'the check could not run: boom' }] });
  });

  it('a bucket whose name the stack does not write (bucket_prefix) fails the checks that need its ARN, never reads as "undefined"', () => {
    const a = variant(app, DEV, (j) => {
      const landing = pick(j, 'aws_s3_bucket', 'storage_landing_bucket');
      landing.bucket_prefix = landing.bucket;
      delete landing.bucket;
    });
    const unknown = `${DEV}: cannot resolve aws_s3_bucket.${Object.keys(synth.stack(DEV).json.resource!.aws_s3_bucket).find((n) => n.includes('storage_landing_bucket'))}.bucket (no bucket written); the checks only trust values they can read`;
    for (const id of ['LandingNeverDeletedOnlyIngestionWrites', 'BucketsVersioned', 'BucketsEncryptedWithEnvironmentKey']) {
      expect([id, problems(id, a)]).toEqual([id, [`(app) (check): the check could not run: ${unknown}`]]);
    }
  });

  it('an environment whose stacks do not hold the landing bucket it declares fails the landing check instead of skipping it', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket', 'storage_landing_bucket').bucket = 'stedi-dev-landing-elsewhere'));
    const landing = app.environments.find((e) => e.name === 'dev')!.landingBucket;
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([`${DEV_BOOT}, ${DEV} aws_s3_bucket ${landing}: no stack of dev declares its landing bucket, so its protection cannot be checked`]);
  });

  it('a reference the reader cannot resolve fails the check instead of being skipped', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_server_side_encryption_configuration', 'landing').rule[0].apply_server_side_encryption_by_default.kms_master_key_id = '${aws_kms_key.elsewhere.arn}'));
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([
      `(app) (check): the check could not run: ${DEV}: cannot resolve aws_kms_key.elsewhere (no such block); the checks only trust values they can read`,
    ]);
  });
});

describe('the pack over a synth output folder fails closed', () => {
  const allFail = (outcomes: ReturnType<typeof checkSynthOutput>) => outcomes.map((o) => o.status);
  it('an output without its manifest fails every check, naming the file and what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'stedi-no-synth-'));
    const outcomes = checkSynthOutput(empty, synth.environments);
    expect(allFail(outcomes)).toEqual(SECURITY_CHECKS.map(() => 'non-compliant'));
    expect(outcomes[0].findings).toEqual([
      { stack: '(app)', resource: '(check)', detail: `the synth output could not be read: ${join(empty, 'manifest.json')}: cannot read cdktf's manifest of the synth output (ENOENT); run \`npm run synth\` first` },
    ]);
  });

  it('a stack the manifest lists but whose cdk.tf.json is gone fails every check instead of being left out', () => {
    const copy = mkdtempSync(join(tmpdir(), 'stedi-lost-stack-'));
    cpSync(synth.outdir, copy, { recursive: true, filter: (src) => !src.includes('.bundles') });
    const lost = join(copy, 'stacks', DEV, 'cdk.tf.json');
    rmSync(lost);
    const outcomes = checkSynthOutput(copy, synth.environments);
    expect(allFail(outcomes)).toEqual(SECURITY_CHECKS.map(() => 'non-compliant'));
    expect(outcomes[0].findings.map((f) => f.detail)).toEqual([`the synth output could not be read: ${lost}: cannot read the synthesized stack (ENOENT); run \`npm run synth\` first`]);
  });
});

describe('ProvidersPinnedToEnvironmentAccount: every aws provider allows only its account, tags, and assumes a role of it', () => {
  it('1: a provider without allowed_account_ids', () => {
    const a = variant(app, DEV, (j) => delete j.provider.aws[0].allowed_account_ids);
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([`${DEV} provider.aws[0]: allowed_account_ids is [], not ["111111111111"] (environment dev)`]);
  });
  it('2b: a provider allowed into its account and another', () => {
    const a = variant(app, DEV, (j) => (j.provider.aws[0].allowed_account_ids = ['111111111111', '222222222222']));
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([`${DEV} provider.aws[0]: allowed_account_ids is ["111111111111","222222222222"], not ["111111111111"] (environment dev)`]);
  });
  it('2: a dev provider allowed into the prod account', () => {
    const a = variant(app, DEV, (j) => (j.provider.aws[0].allowed_account_ids = ['222222222222']));
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([`${DEV} provider.aws[0]: allowed_account_ids is ["222222222222"], not ["111111111111"] (environment dev)`]);
  });
  it('3: a provider without default tags', () => {
    const a = variant(app, DEV, (j) => delete j.provider.aws[0].default_tags);
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual(['project', 'environment', 'stack', 'managed-by'].map((k) => `${DEV} provider.aws[0]: default_tags lack "${k}"`));
  });
  it('4: a provider that assumes a role of another account', () => {
    const a = variant(app, DEV_BOOT, (j) => (j.provider.aws[0].assume_role[0].role_arn = 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole'));
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([`${DEV_BOOT} provider.aws[0]: assumes arn:aws:iam::222222222222:role/OrganizationAccountAccessRole, a role of another account`]);
  });
  it('5: a provider outside Terraform Cloud that assumes no role', () => {
    const a = variant(app, DEV, (j) => {
      delete j.terraform.cloud;
      j.terraform.backend = { local: { path: 'x' } };
    });
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([`${DEV} provider.aws[0]: assumes no role, and no Terraform Cloud workspace provides one`]);
  });
  it('4: a stack the environment lists but the app did not synthesize; a stack without an aws provider', () => {
    const missing = { ...app, stacks: app.stacks.filter((x) => x.name !== DEV) };
    expect(problems('ProvidersPinnedToEnvironmentAccount', missing)).toEqual([`${DEV} (stack): environment dev lists stack ${DEV}, which was not synthesized`]);
    const none = variant(app, DEV, (j) => delete j.provider.aws);
    expect(problems('ProvidersPinnedToEnvironmentAccount', none)).toEqual([`${DEV} provider.aws: no aws provider`]);
  });
  it('5: a deny list beside the allow list, another region, default tags naming another environment', () => {
    const a = variant(app, DEV, (j) => {
      const p = j.provider.aws[0];
      p.forbidden_account_ids = ['222222222222'];
      p.region = 'us-east-1';
      p.default_tags[0].tags.environment = 'prod';
    });
    expect(problems('ProvidersPinnedToEnvironmentAccount', a)).toEqual([
      `${DEV} provider.aws[0]: uses forbidden_account_ids instead of an allow list`,
      `${DEV} provider.aws[0]: region is "us-east-1", not eu-west-1`,
      `${DEV} provider.aws[0]: default_tags say environment prod, not dev`,
    ]);
  });
  it('6: a stack outside Terraform Cloud is fine when its provider assumes a role of its account', () => {
    const a = variant(app, DEV_BOOT, (j) => delete j.terraform.cloud);
    expect(statusOf('ProvidersPinnedToEnvironmentAccount', a)).toBe('compliant');
  });
});

describe('OneWorkspacePerStack: one Terraform Cloud workspace per stack and environment, no cross-workspace reads', () => {
  it('1: two stacks in one workspace', () => {
    const a = variant(app, PROD, (j) => (j.terraform.cloud.workspaces.name = DEV));
    expect(problems('OneWorkspacePerStack', a)).toEqual([
      `${PROD} terraform.cloud: workspace is "${DEV}", not the stack's name`,
      `${PROD} terraform.cloud: workspace "${DEV}" is also the workspace of ${DEV}`,
      `${PROD} terraform.cloud: workspace "${DEV}" does not name its environment prod`,
    ]);
  });
  it('2: a stack that reads another workspace\'s state', () => {
    const a = variant(app, DEV, (j) => (j.data.terraform_remote_state = { other: { backend: 'remote' } }));
    expect(problems('OneWorkspacePerStack', a)).toEqual([
      `${DEV} data.terraform_remote_state: reads another workspace's state`,
      `${DEV} (stack): references another stack's outputs`,
    ]);
  });
  it('3: workspaces chosen by tags', () => {
    const a = variant(app, DEV, (j) => (j.terraform.cloud.workspaces = { tags: ['stedi'] }));
    expect(problems('OneWorkspacePerStack', a)).toEqual([`${DEV} terraform.cloud: selects workspaces by tags instead of naming one`]);
  });
  it('3: one stack keeping its state outside Terraform Cloud; no stack in it at all is not applicable', () => {
    const a = variant(app, DEV, (j) => delete j.terraform.cloud);
    expect(problems('OneWorkspacePerStack', a)).toEqual([`${DEV} terraform.backend: keeps its state outside Terraform Cloud while other stacks of the app use it`]);
    const none = everyStack(app, (j) => delete j.terraform.cloud);
    expect(runSecurityCheck(check('OneWorkspacePerStack'), none)).toEqual({ check: 'OneWorkspacePerStack', status: 'not-applicable', findings: [] });
  });
});

describe('TerraformCloudTrustPinned: OIDC trust pins aud, organization, project, workspace; the plan role is read-only', () => {
  const sub = (j: any, role: 'deploy' | 'plan') => statements(j, `${role}-trust`)[0].condition.find((c: any) => c.variable.endsWith(':sub'));
  it('1: a subject with a wildcard workspace', () => {
    const a = variant(app, DEV_BOOT, (j) => (sub(j, 'deploy').values = ['organization:stedi-lakehouse:project:stedi-dev:workspace:*:run_phase:apply']));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([
      `${DEV_BOOT} aws_iam_role.terraform-cloud-trust_deploy-role_12F6C927: subject "organization:stedi-lakehouse:project:stedi-dev:workspace:*:run_phase:apply" does not name one organization, project, workspace and run phase`,
    ]);
  });
  it('2: a trust without the audience', () => {
    const a = variant(app, DEV_BOOT, (j) => (statements(j, 'deploy-trust')[0].condition = statements(j, 'deploy-trust')[0].condition.filter((c: any) => !c.variable.endsWith(':aud'))));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEV_BOOT} aws_iam_role.terraform-cloud-trust_deploy-role_12F6C927: TerraformCloudApplyRuns does not pin app.terraform.io:aud with StringEquals`]);
  });
  it('3: a subject matched with StringLike', () => {
    const a = variant(app, DEV_BOOT, (j) => (sub(j, 'plan').test = 'StringLike'));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([
      `${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6: TerraformCloudPlanRuns does not pin app.terraform.io:sub with StringEquals`,
      `${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6: StringLike on app.terraform.io:sub: only StringEquals pins a token claim`,
    ]);
  });
  it('4: a plan role that may write', () => {
    const a = variant(app, DEV_BOOT, (j) => statements(j, 'plan-storage-document')[0].actions.push('s3:PutBucketPolicy'));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6: plan role stedi-dev-plan may s3:PutBucketPolicy`]);
  });
  it('6: a plan role that may decrypt through IAM (the key policy lets it decrypt through Glue only)', () => {
    const a = variant(app, DEV_BOOT, (j) => statements(j, 'plan-catalog-document')[0].actions.push('kms:Decrypt'));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6: plan role stedi-dev-plan may kms:Decrypt`]);
  });
  it('5: one role trusted for plan and apply runs', () => {
    const a = variant(app, DEV_BOOT, (j) => sub(j, 'plan').values.push('organization:stedi-lakehouse:project:stedi-dev:workspace:stedi-dev-lakehouse:run_phase:apply'));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6: role stedi-dev-plan is trusted for plan and apply runs alike`]);
  });
  const trust = (j: any, role: 'deploy' | 'plan') => statements(j, `${role}-trust`)[0];
  const PLAN = `${DEV_BOOT} aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6`;
  const DEPLOY = `${DEV_BOOT} aws_iam_role.terraform-cloud-trust_deploy-role_12F6C927`;
  it('7: an AWS-managed policy attached to the plan role by reference (as our constructs attach them)', () => {
    const a = variant(app, DEV_BOOT, (j) => (j.resource.aws_iam_role_policy_attachment.admin = { role: '${aws_iam_role.terraform-cloud-trust_plan-role_9BDDE2C6.name}', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${PLAN}: plan role stedi-dev-plan has an AWS-managed policy whose actions this check cannot read`]);
    // On the deploy role it is no plan-role finding.
    const deploy = variant(app, DEV_BOOT, (j) => (j.resource.aws_iam_role_policy_attachment.admin = { role: '${aws_iam_role.terraform-cloud-trust_deploy-role_12F6C927.name}', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect(statusOf('TerraformCloudTrustPinned', deploy)).toBe('compliant');
  });
  it('8: subjects with anything before or after the four parts', () => {
    for (const v of ['x:organization:stedi-lakehouse:project:stedi-dev:workspace:stedi-dev-lakehouse:run_phase:apply', 'organization:stedi-lakehouse:project:stedi-dev:workspace:stedi-dev-lakehouse:run_phase:apply:x']) {
      const a = variant(app, DEV_BOOT, (j) => (sub(j, 'deploy').values = [v]));
      expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEPLOY}: subject "${v}" does not name one organization, project, workspace and run phase`]);
    }
  });
  it('9: an audience list with one wildcard among pinned values; a statement without a Sid', () => {
    const a = variant(app, DEV_BOOT, (j) => {
      const st = trust(j, 'deploy');
      delete st.sid;
      st.condition.find((c: any) => c.variable.endsWith(':aud')).values = ['aws.workload.identity', 'aws.*'];
    });
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${DEPLOY}: a statement does not pin app.terraform.io:aud with StringEquals`]);
    const noSub = variant(app, DEV_BOOT, (j) => {
      const st = trust(j, 'deploy');
      delete st.sid;
      st.condition = st.condition.filter((c: any) => !c.variable.endsWith(':sub'));
    });
    expect(problems('TerraformCloudTrustPinned', noSub)).toEqual([`${DEPLOY}: a statement does not pin app.terraform.io:sub with StringEquals`]);
  });
  it('10: other operators: on a claim beside other keys, a finding naming every key; on other keys only, none', () => {
    const mixed = variant(app, DEV_BOOT, (j) => trust(j, 'deploy').condition.push(
      { test: 'StringLike', variable: 'app.terraform.io:terraform_workspace_id', values: ['ws-*'] },
      { test: 'StringLike', variable: 'aws:PrincipalTag/team', values: ['data'] },
    ));
    expect(problems('TerraformCloudTrustPinned', mixed)).toEqual([`${DEPLOY}: StringLike on app.terraform.io:terraform_workspace_id, aws:PrincipalTag/team: only StringEquals pins a token claim`]);
    const other = variant(app, DEV_BOOT, (j) => trust(j, 'deploy').condition.push({ test: 'IpAddress', variable: 'aws:SourceIp', values: ['203.0.113.0/24'] }));
    expect(statusOf('TerraformCloudTrustPinned', other)).toBe('compliant');
  });
  it('11: a Deny for the provider and a trust of another identity provider are not Terraform Cloud trusts', () => {
    const a = variant(app, DEV_BOOT, (j) => {
      statements(j, 'deploy-trust').push({ sid: 'NoWebIdentityFromElsewhere', effect: 'Deny', actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.terraform-cloud-trust_oidc-provider_5D8CC94C.arn}'] }] });
      statements(j, 'plan-trust').push({ sid: 'GitHub', effect: 'Allow', actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com'] }] });
    });
    expect(statusOf('TerraformCloudTrustPinned', a)).toBe('compliant');
  });
  it('12: a plan role with several writes, and one allowed everything but a list, names them all', () => {
    const a = variant(app, DEV_BOOT, (j) => {
      statements(j, 'plan-storage-document')[0].actions.push('s3:PutBucketPolicy', 's3:DeleteBucket');
      statements(j, 'plan-access-document').push({ sid: 'AllButIam', effect: 'Allow', not_actions: ['iam:*'], resources: ['arn:aws:s3:::stedi-dev-artifacts-111111111111'] });
    });
    expect(problems('TerraformCloudTrustPinned', a)).toEqual([`${PLAN}: plan role stedi-dev-plan may NotAction, s3:PutBucketPolicy, s3:DeleteBucket`]);
  });
  it('13: an app without a Terraform Cloud identity provider (the lakehouse stacks alone): not applicable', () => {
    expect(runSecurityCheck(check('TerraformCloudTrustPinned'), { ...app, stacks: app.stacks.filter((x) => !x.name.endsWith('-bootstrap')) })).toEqual({ check: 'TerraformCloudTrustPinned', status: 'not-applicable', findings: [] });
  });
});

describe('BucketsEncryptedWithEnvironmentKey: buckets encrypted with the environment CMK', () => {
  it('1: a data bucket with SSE-S3', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_server_side_encryption_configuration', 'curated').rule[0].apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' }));
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([`${DEV} aws_s3_bucket.storage_curated_bucket_1CA15081: is encrypted with AES256, not the stack's customer-managed key`]);
  });
  it('2: a data bucket with the AWS-managed key', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_server_side_encryption_configuration', 'landing').rule[0].apply_server_side_encryption_by_default.kms_master_key_id = 'alias/aws/s3'));
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: is encrypted with aws:kms and alias/aws/s3, not the stack's customer-managed key`]);
  });
  it('3: a bucket without default encryption', () => {
    const a = variant(app, DEV, (j) => delete j.resource.aws_s3_bucket_server_side_encryption_configuration[Object.keys(j.resource.aws_s3_bucket_server_side_encryption_configuration).find((k) => k.includes('quarantine'))!]);
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([`${DEV} aws_s3_bucket.storage_quarantine_bucket_4E713F60: has no default encryption`]);
  });
  it('4: SSE-S3 although the stack key is named (S3 ignores the key for AES256)', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_server_side_encryption_configuration', 'landing').rule[0].apply_server_side_encryption_by_default.sse_algorithm = 'AES256'));
    const key = synth.resource(DEV, 'aws_s3_bucket_server_side_encryption_configuration', 'landing').rule as any;
    expect(key[0].apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([
      `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: is encrypted with AES256 and arn:aws:kms:eu-west-1:111111111111:key/key_F64E54E4, not the stack's customer-managed key`,
    ]);
  });
  it('5: the log bucket encrypted with KMS, to which S3 cannot deliver access logs', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_server_side_encryption_configuration', 'access-logs').rule[0].apply_server_side_encryption_by_default.sse_algorithm = 'aws:kms'));
    expect(problems('BucketsEncryptedWithEnvironmentKey', a)).toEqual([`${DEV} aws_s3_bucket.storage_access-logs_bucket_1F0A0A1E: receives server access logs but is encrypted with aws:kms; S3 cannot deliver logs to it`]);
  });
});

describe('BucketsBlockPublicAccess: all four public-access-block flags on every bucket', () => {
  it('1: one flag off', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_public_access_block', 'landing').restrict_public_buckets = false));
    expect(problems('BucketsBlockPublicAccess', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: restrict_public_buckets is not true`]);
  });
  it('2: no public access block', () => {
    const a = variant(app, PROD, (j) => delete j.resource.aws_s3_bucket_public_access_block);
    expect(problems('BucketsBlockPublicAccess', a)).toEqual(
      Object.keys(synth.stack(PROD).json.resource!.aws_s3_bucket).map((b) => `${PROD} aws_s3_bucket.${b}: has no public access block`),
    );
  });
  it('3: one bucket without its public access block', () => {
    const a = variant(app, DEV, (j) => drop(j, 'aws_s3_bucket_public_access_block', 'landing'));
    expect(problems('BucketsBlockPublicAccess', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: has no public access block`]);
  });
});

describe('BucketsVersioned: versioning on every bucket', () => {
  it('1: versioning suspended', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_versioning', 'artifacts').versioning_configuration.status = 'Suspended'));
    expect(problems('BucketsVersioned', a)).toEqual([`${DEV} aws_s3_bucket.storage_artifacts_bucket_2F32E0CB: versioning is Suspended`]);
  });
  it('2: versioning not configured at all', () => {
    const a = variant(app, DEV, (j) => drop(j, 'aws_s3_bucket_versioning', 'landing'));
    expect(problems('BucketsVersioned', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: versioning is not configured`]);
  });
});

describe('BucketsDenyInsecureTransport: bucket policies deny aws:SecureTransport = false', () => {
  it('1: a policy without the TLS statement', () => {
    const a = variant(app, DEV, (j) => statements(j, 'storage_trusted_policy-document').shift());
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual([`${DEV} aws_s3_bucket_policy.storage_trusted_policy_41E57C3A: does not deny every request without TLS`]);
  });
  it('2: a TLS statement that covers the bucket but not its objects', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'storage_landing_policy-document')[0].resources = ['arn:aws:s3:::stedi-dev-landing-111111111111']));
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual([`${DEV} aws_s3_bucket_policy.storage_landing_policy_8FDD388D: does not deny every request without TLS`]);
  });
  // Each part of the statement the check requires, broken alone (issue 19: any principal and any
  // condition value passed unnoticed).
  const tls = (j: any) => statements(j, 'storage_landing_policy-document').find((x: any) => x.sid === 'DenyRequestsWithoutTls');
  const notDenied = [`${DEV} aws_s3_bucket_policy.storage_landing_policy_8FDD388D: does not deny every request without TLS`];
  it('3: a TLS statement that denies one principal only, not everyone', () => {
    const a = variant(app, DEV, (j) => (tls(j).principals = [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:role/stedi-dev-analyst'] }]));
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual(notDenied);
  });
  it('4: a TLS statement whose condition denies requests with TLS (value "true")', () => {
    const a = variant(app, DEV, (j) => (tls(j).condition[0].values = ['true']));
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual(notDenied);
  });
  it('5: a TLS statement whose condition tests another operator or key', () => {
    const other = variant(app, DEV, (j) => (tls(j).condition[0].test = 'Null'));
    expect(problems('BucketsDenyInsecureTransport', other)).toEqual(notDenied);
    const key = variant(app, DEV, (j) => (tls(j).condition[0].variable = 'aws:SecureTransportNever'));
    expect(problems('BucketsDenyInsecureTransport', key)).toEqual(notDenied);
  });
  it('6: a TLS statement that allows instead of denying', () => {
    const a = variant(app, DEV, (j) => (tls(j).effect = 'Allow'));
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual(notDenied);
  });
  it('7: a TLS statement that leaves reads, writes or listing out', () => {
    for (const kept of [['s3:PutObject', 's3:ListBucket'], ['s3:GetObject', 's3:ListBucket'], ['s3:GetObject', 's3:PutObject']]) {
      const a = variant(app, DEV, (j) => (tls(j).actions = kept));
      expect(problems('BucketsDenyInsecureTransport', a)).toEqual(notDenied);
    }
  });
  it('8: a TLS statement that covers the objects but not the bucket', () => {
    const a = variant(app, DEV, (j) => (tls(j).resources = ['arn:aws:s3:::stedi-dev-landing-111111111111/*']));
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual(notDenied);
  });
  it('9: a bucket without a policy', () => {
    const a = variant(app, DEV, (j) => delete j.resource.aws_s3_bucket_policy.storage_landing_policy_8FDD388D);
    expect(problems('BucketsDenyInsecureTransport', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: has no bucket policy`]);
  });
  it('is not applicable to an app without buckets', () => {
    const a = { ...app, stacks: app.stacks.map((s) => ({ ...s, json: { ...s.json, resource: Object.fromEntries(Object.entries(s.json.resource ?? {}).filter(([t]) => !t.startsWith('aws_s3_'))) } })) };
    expect(runSecurityCheck(check('BucketsDenyInsecureTransport'), a)).toMatchObject({ status: 'not-applicable', findings: [] });
  });
});

describe('BucketsLogToDedicatedBucket: access logs to a dedicated log bucket', () => {
  it('1: a bucket without access logs', () => {
    const a = variant(app, DEV, (j) => delete j.resource.aws_s3_bucket_logging[Object.keys(j.resource.aws_s3_bucket_logging).find((k) => k.includes('quarantine'))!]);
    expect(problems('BucketsLogToDedicatedBucket', a)).toEqual([`${DEV} aws_s3_bucket.storage_quarantine_bucket_4E713F60: sends no server access logs`]);
  });
  it('2: logs into a data bucket', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_logging', 'landing').target_bucket = '${aws_s3_bucket.storage_trusted_bucket_4D7AA2E0.id}'.replace('4D7AA2E0', Object.keys(j.resource.aws_s3_bucket).find((k) => k.includes('trusted'))!.split('_').pop()!)));
    expect(problems('BucketsLogToDedicatedBucket', a)).toEqual([
      `${DEV} aws_s3_bucket_logging.storage_landing_access-logs_6F1AF60D: logs to stedi-dev-trusted-111111111111, which is not a dedicated log bucket`,
      `${DEV} aws_s3_bucket.storage_trusted_bucket_F7E276BE: is a log bucket but logs into another bucket itself`,
    ]);
  });
  it('3: logs to a bucket the stack does not have', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_logging', 'landing').target_bucket = 'stedi-logs-elsewhere'));
    expect(problems('BucketsLogToDedicatedBucket', a)).toEqual([`${DEV} aws_s3_bucket_logging.storage_landing_access-logs_6F1AF60D: logs to stedi-logs-elsewhere, which is not a bucket of this stack`]);
  });
});

describe('BucketsOwnerEnforcedAndAbortUploads: BucketOwnerEnforced; lifecycle aborts incomplete uploads', () => {
  it('1: ACLs enabled', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_ownership_controls', 'landing').rule.object_ownership = 'ObjectWriter'));
    expect(problems('BucketsOwnerEnforcedAndAbortUploads', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: object ownership is ObjectWriter`]);
  });
  it('2: the abort rule limited to a prefix', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule[0].filter = [{ prefix: 'customer/' }]));
    expect(problems('BucketsOwnerEnforcedAndAbortUploads', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: no enabled whole-bucket rule aborts incomplete multipart uploads`]);
  });
  it('3: ownership not configured', () => {
    const a = variant(app, DEV, (j) => drop(j, 'aws_s3_bucket_ownership_controls', 'landing'));
    expect(problems('BucketsOwnerEnforcedAndAbortUploads', a)).toEqual([`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: object ownership is not configured`]);
  });
  it('4: the abort rule disabled, or aborting after 0 days (never)', () => {
    const noAbort = [`${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: no enabled whole-bucket rule aborts incomplete multipart uploads`];
    const disabled = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule[0].status = 'Disabled'));
    expect(problems('BucketsOwnerEnforcedAndAbortUploads', disabled)).toEqual(noAbort);
    const zero = variant(app, DEV, (j) => (pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule[0].abort_incomplete_multipart_upload[0].days_after_initiation = 0));
    expect(problems('BucketsOwnerEnforcedAndAbortUploads', zero)).toEqual(noAbort);
  });
  it('5: an abort rule without a filter covers the whole bucket', () => {
    const a = variant(app, DEV, (j) => delete pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule[0].filter);
    expect(statusOf('BucketsOwnerEnforcedAndAbortUploads', a)).toBe('compliant');
  });
});

describe('GlueJobsEncrypted: every Glue job has a security configuration encrypting S3, logs and bookmarks', () => {
  it('1: a job without a security configuration', () => {
    const a = variant(app, DEV, (j) => delete pick(j, 'aws_glue_job', 'customer_trusted').security_configuration);
    expect(problems('GlueJobsEncrypted', a)).toEqual([`${DEV} aws_glue_job.transforms_job-customer_trusted_94D8C2FD: has no security configuration`]);
  });
  it('2: bookmarks left unencrypted', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_glue_security_configuration', 'transforms').encryption_configuration.job_bookmarks_encryption.job_bookmarks_encryption_mode = 'DISABLED'));
    // One finding per job that names the configuration: five jobs, one configuration.
    expect(problems('GlueJobsEncrypted', a)).toEqual(
      Array(5).fill(`${DEV} aws_glue_security_configuration.transforms_security-configuration_CE70920B: does not encrypt job bookmarks with CSE-KMS and a key`),
    );
  });
  it('3: a job naming a configuration the stack does not define', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_glue_job', 'customer_trusted').security_configuration = 'stedi-dev-elsewhere'));
    expect(problems('GlueJobsEncrypted', a)).toEqual([`${DEV} aws_glue_job.transforms_job-customer_trusted_94D8C2FD: names security configuration stedi-dev-elsewhere, which this stack does not define`]);
  });
  it('4: S3 output and CloudWatch logs left unencrypted', () => {
    const a = variant(app, DEV, (j) => {
      const enc = pick(j, 'aws_glue_security_configuration', 'transforms').encryption_configuration;
      enc.s3_encryption.s3_encryption_mode = 'DISABLED';
      enc.cloudwatch_encryption.cloudwatch_encryption_mode = 'DISABLED';
    });
    const config = `${DEV} aws_glue_security_configuration.transforms_security-configuration_CE70920B`;
    expect(problems('GlueJobsEncrypted', a)).toEqual(Array(5).fill([`${config}: does not encrypt S3 output with SSE-KMS and a key`, `${config}: does not encrypt CloudWatch logs with a key`]).flat());
  });
});

describe('GlueCatalogEncrypted: Data Catalog encryption at rest', () => {
  it('1: no encryption settings', () => {
    const a = variant(app, DEV, (j) => delete j.resource.aws_glue_data_catalog_encryption_settings);
    expect(problems('GlueCatalogEncrypted', a)).toEqual([`${DEV} aws_glue_data_catalog_encryption_settings: the catalog is not encrypted`]);
  });
  it('2: encryption disabled', () => {
    const a = variant(app, PROD, (j) => (pick(j, 'aws_glue_data_catalog_encryption_settings', 'encryption').data_catalog_encryption_settings.encryption_at_rest.catalog_encryption_mode = 'DISABLED'));
    expect(problems('GlueCatalogEncrypted', a)).toEqual([`${PROD} aws_glue_data_catalog_encryption_settings.catalog_encryption_66CC5036: does not encrypt the catalog at rest with SSE-KMS and a key`]);
  });
  it('3: connection passwords returned in clear', () => {
    const a = variant(app, PROD, (j) => (pick(j, 'aws_glue_data_catalog_encryption_settings', 'encryption').data_catalog_encryption_settings.connection_password_encryption.return_connection_password_encrypted = false));
    expect(problems('GlueCatalogEncrypted', a)).toEqual([`${PROD} aws_glue_data_catalog_encryption_settings.catalog_encryption_66CC5036: does not encrypt connection passwords`]);
  });
});

describe('AthenaWorkgroupEnforced: enforced configuration, KMS-encrypted results, bytes-scanned cutoff', () => {
  it('1: configuration not enforced, no cutoff, SSE-S3 results', () => {
    const a = variant(app, DEV, (j) => {
      const c = pick(j, 'aws_athena_workgroup', 'workgroup').configuration;
      c.enforce_workgroup_configuration = false;
      delete c.bytes_scanned_cutoff_per_query;
      c.result_configuration.encryption_configuration = { encryption_option: 'SSE_S3' };
    });
    expect(problems('AthenaWorkgroupEnforced', a)).toEqual([
      `${DEV} aws_athena_workgroup.workgroup_AE76EA46: does not enforce its configuration`,
      `${DEV} aws_athena_workgroup.workgroup_AE76EA46: does not encrypt results with KMS and a key`,
      `${DEV} aws_athena_workgroup.workgroup_AE76EA46: has no bytes-scanned cutoff`,
    ]);
  });
  it('2: a cutoff of 0 bytes is no cutoff; CSE-KMS results with a key are encrypted', () => {
    const a = variant(app, DEV, (j) => {
      const c = pick(j, 'aws_athena_workgroup', 'workgroup').configuration;
      c.bytes_scanned_cutoff_per_query = 0;
      c.result_configuration.encryption_configuration.encryption_option = 'CSE_KMS';
    });
    expect(problems('AthenaWorkgroupEnforced', a)).toEqual([`${DEV} aws_athena_workgroup.workgroup_AE76EA46: has no bytes-scanned cutoff`]);
  });
});

describe('KmsKeysRotatedWithExplicitPolicy: rotation and an explicit key policy without "*"', () => {
  it('1: rotation off', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_kms_key', 'key').enable_key_rotation = false));
    expect(problems('KmsKeysRotatedWithExplicitPolicy', a)).toEqual([`${DEV} aws_kms_key.key_F64E54E4: does not rotate`]);
  });
  it('2: no explicit policy (the default key policy)', () => {
    const a = variant(app, DEV, (j) => delete pick(j, 'aws_kms_key', 'key').policy);
    expect(problems('KmsKeysRotatedWithExplicitPolicy', a)).toEqual([`${DEV} aws_kms_key.key_F64E54E4: has no explicit key policy`]);
  });
  it('3: a statement for the "*" principal', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'key_policy')[0].principals = [{ type: 'AWS', identifiers: ['*'] }]));
    expect(problems('KmsKeysRotatedWithExplicitPolicy', a)).toEqual([`${DEV} aws_kms_key.key_F64E54E4: statement AccountAdministersAndUsesKeyThroughIam names the "*" principal`]);
  });
  it('4: a policy written as JSON: "*" as the whole principal, a statement naming none, statements without a Sid', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_kms_key', 'key').policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111111111111:root', '*'] }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    })));
    expect(problems('KmsKeysRotatedWithExplicitPolicy', a)).toEqual([
      `${DEV} aws_kms_key.key_F64E54E4: statement Everyone names the "*" principal`,
      `${DEV} aws_kms_key.key_F64E54E4: statement ? names no principal`,
      `${DEV} aws_kms_key.key_F64E54E4: statement ? names the "*" principal`,
    ]);
  });
});

describe('LambdasHardened: tracing, dead-letter target where invoked asynchronously, reserved concurrency, current runtime, scoped invoke permissions', () => {
  it('1: a function without tracing or reserved concurrency on an old runtime', () => {
    const a = variant(app, DEV, (j) => {
      const f = pick(j, 'aws_lambda_function', 'gate');
      f.tracing_config.mode = 'PassThrough';
      f.reserved_concurrent_executions = -1;
      f.runtime = 'nodejs16.x';
    });
    expect(problems('LambdasHardened', a)).toEqual([
      `${DEV} aws_lambda_function.gate_function_CAB2AFBE: does not trace actively`,
      `${DEV} aws_lambda_function.gate_function_CAB2AFBE: reserves no concurrency (-1)`,
      `${DEV} aws_lambda_function.gate_function_CAB2AFBE: runtime nodejs16.x is not current (nodejs22.x, nodejs24.x, python3.12, python3.13)`,
    ]);
  });
  it('2: an invoke permission without source_arn (and the service it lets in invokes asynchronously)', () => {
    const a = variant(app, DEV, (j) => (j.resource.aws_lambda_permission = { open: { action: 'lambda:InvokeFunction', function_name: 'stedi-dev-gate', principal: 'events.amazonaws.com' } }));
    expect(problems('LambdasHardened', a)).toEqual([
      `${DEV} aws_lambda_function.gate_function_CAB2AFBE: is invoked asynchronously by aws_lambda_permission.open (events.amazonaws.com) but has no dead-letter target`,
      `${DEV} aws_lambda_permission.open: lets events.amazonaws.com invoke without a source_arn`,
    ]);
  });
  it('3: the state machine invoking a function asynchronously (InvocationType Event): its failures would vanish without a dead-letter target', () => {
    const a = variant(app, DEV, (j) => {
      const m = pick(j, 'aws_sfn_state_machine', 'pipeline');
      const definition = JSON.parse(m.definition);
      definition.States.Publish.Parameters.InvocationType = 'Event';
      m.definition = JSON.stringify(definition);
    });
    expect(problems('LambdasHardened', a)).toEqual([
      `${DEV} aws_lambda_function.publish_function_E99AEF50: is invoked asynchronously by aws_sfn_state_machine.pipeline_state-machine_6E330561 (InvocationType Event) but has no dead-letter target`,
    ]);
    const b = variant(a, DEV, (j) => (pick(j, 'aws_lambda_function', 'publish').dead_letter_config = { target_arn: 'arn:aws:sqs:eu-west-1:111111111111:stedi-dev-dead-letters' }));
    expect(problems('LambdasHardened', b)).toEqual([]);
  });
  it('4: a function whose concurrency is unset; a scoped permission is fine', () => {
    const a = variant(app, DEV, (j) => {
      delete pick(j, 'aws_lambda_function', 'gate').reserved_concurrent_executions;
      j.resource.aws_lambda_permission = { scoped: { action: 'lambda:InvokeFunction', function_name: 'stedi-dev-gate', principal: 'events.amazonaws.com', source_arn: 'arn:aws:events:eu-west-1:111111111111:rule/stedi-dev-nightly' } };
      pick(j, 'aws_lambda_function', 'gate').dead_letter_config = { target_arn: 'arn:aws:sqs:eu-west-1:111111111111:stedi-dev-dead-letters' };
    });
    expect(problems('LambdasHardened', a)).toEqual([`${DEV} aws_lambda_function.gate_function_CAB2AFBE: reserves no concurrency (unset)`]);
  });
  it('5: a task that waits for a token after an Event invoke is asynchronous too', () => {
    const a = variant(app, DEV, (j) => {
      const m = pick(j, 'aws_sfn_state_machine', 'pipeline');
      const definition = JSON.parse(m.definition);
      definition.States.Publish.Resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
      definition.States.Publish.Parameters.InvocationType = 'Event';
      m.definition = JSON.stringify(definition);
    });
    expect(problems('LambdasHardened', a)).toEqual([
      `${DEV} aws_lambda_function.publish_function_E99AEF50: is invoked asynchronously by aws_sfn_state_machine.pipeline_state-machine_6E330561 (InvocationType Event) but has no dead-letter target`,
    ]);
  });
  it('6: permissions alone are judged; an app without functions or permissions is not applicable', () => {
    const alonePermission = alone(DEV, (j) => {
      delete j.resource.aws_lambda_function;
      j.resource.aws_lambda_permission = { open: { action: 'lambda:InvokeFunction', function_name: 'stedi-dev-gate', principal: 's3.amazonaws.com' } };
    });
    expect(problems('LambdasHardened', alonePermission)).toEqual([`${DEV} aws_lambda_permission.open: lets s3.amazonaws.com invoke without a source_arn`]);
    expect(runSecurityCheck(check('LambdasHardened'), without(app, 'aws_lambda_function', 'aws_lambda_permission'))).toEqual({ check: 'LambdasHardened', status: 'not-applicable', findings: [] });
  });
});

describe('StateMachinesLogAndTrace: logging ALL or ERROR and tracing', () => {
  it('1: logging OFF and tracing off', () => {
    const a = variant(app, DEV, (j) => {
      const m = pick(j, 'aws_sfn_state_machine', 'pipeline');
      m.logging_configuration.level = 'OFF';
      m.tracing_configuration.enabled = false;
    });
    expect(problems('StateMachinesLogAndTrace', a)).toEqual([
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: logs at level OFF`,
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: does not trace`,
    ]);
  });
  it('2: logging ERROR is enough; no logging at all, or no destination, is not', () => {
    const machine = `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561`;
    expect(statusOf('StateMachinesLogAndTrace', variant(app, DEV, (j) => (pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration.level = 'ERROR')))).toBe('compliant');
    expect(problems('StateMachinesLogAndTrace', variant(app, DEV, (j) => delete pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration))).toEqual([`${machine}: logs at level OFF without a destination`]);
    expect(problems('StateMachinesLogAndTrace', variant(app, DEV, (j) => delete pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration.log_destination))).toEqual([`${machine}: logs at level ALL without a destination`]);
  });
  it('3: an app without state machines: not applicable', () => {
    expect(runSecurityCheck(check('StateMachinesLogAndTrace'), without(app, 'aws_sfn_state_machine'))).toEqual({ check: 'StateMachinesLogAndTrace', status: 'not-applicable', findings: [] });
  });
});

describe('LogGroupsEncryptedWithRetention: log groups KMS-encrypted with retention', () => {
  it('1: a log group without a key and kept forever', () => {
    const a = variant(app, DEV, (j) => {
      const g = pick(j, 'aws_cloudwatch_log_group', 'validator');
      delete g.kms_key_id;
      g.retention_in_days = 0;
    });
    expect(problems('LogGroupsEncryptedWithRetention', a)).toEqual([
      `${DEV} aws_cloudwatch_log_group.validator_logs_group_E1327ABC: is not encrypted with a KMS key`,
      `${DEV} aws_cloudwatch_log_group.validator_logs_group_E1327ABC: keeps events forever`,
    ]);
  });
  it('2: a function that writes to a log group the stack does not create (Lambda would create it unencrypted)', () => {
    const b = variant(app, DEV, (j) => (pick(j, 'aws_lambda_function', 'publish').logging_config.log_group = '/aws/lambda/elsewhere'));
    expect(problems('LogGroupsEncryptedWithRetention', b)).toEqual([`${DEV} aws_lambda_function.publish_function_E99AEF50: writes to log group /aws/lambda/elsewhere, which the stack does not define`]);
  });
  it('3: an app whose functions write to log groups none of its stacks define', () => {
    const a = alone(DEV, (j) => {
      delete j.resource.aws_cloudwatch_log_group;
      delete j.resource.aws_sfn_state_machine;
    });
    expect(problems('LogGroupsEncryptedWithRetention', a)).toEqual(
      ['gate_function_CAB2AFBE', 'publish_function_E99AEF50', 'validator_function_0B08975D'].map((f) => `${DEV} aws_lambda_function.${f}: writes to log group /aws/lambda/stedi-dev-${f.split('_')[0]}, which the stack does not define`),
    );
  });
  it('4: a function without logging_config writes to /aws/lambda/<its name>: compliant when the stack defines that group', () => {
    const a = variant(app, DEV, (j) => delete pick(j, 'aws_lambda_function', 'publish').logging_config);
    expect(statusOf('LogGroupsEncryptedWithRetention', a)).toBe('compliant');
    const b = variant(a, DEV, (j) => (pick(j, 'aws_lambda_function', 'publish').function_name = 'stedi-dev-renamed'));
    expect(problems('LogGroupsEncryptedWithRetention', b)).toEqual([`${DEV} aws_lambda_function.publish_function_E99AEF50: writes to log group /aws/lambda/stedi-dev-renamed, which the stack does not define`]);
  });
  it('5: a state machine logging to a group the stack does not define; one that logs nowhere is left to StateMachinesLogAndTrace', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration.log_destination = 'arn:aws:logs:eu-west-1:111111111111:log-group:elsewhere:*'));
    expect(problems('LogGroupsEncryptedWithRetention', a)).toEqual([`${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: logs to arn:aws:logs:eu-west-1:111111111111:log-group:elsewhere, which the stack does not define`]);
    const b = variant(app, DEV, (j) => delete pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration);
    expect(statusOf('LogGroupsEncryptedWithRetention', b)).toBe('compliant');
  });
  it('6: a state machine alone, logging to a group no stack defines, is a finding (not "not applicable")', () => {
    const a = alone(DEV, (j) => {
      delete j.resource.aws_cloudwatch_log_group;
      delete j.resource.aws_lambda_function;
      pick(j, 'aws_sfn_state_machine', 'pipeline').logging_configuration.log_destination = 'arn:aws:logs:eu-west-1:111111111111:log-group:elsewhere:*';
    });
    expect(problems('LogGroupsEncryptedWithRetention', a)).toEqual([`${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: logs to arn:aws:logs:eu-west-1:111111111111:log-group:elsewhere, which the stack does not define`]);
  });
  it('7: log groups alone are judged (no function or state machine beside them)', () => {
    const a = alone(DEV, (j) => {
      delete j.resource.aws_lambda_function;
      delete j.resource.aws_sfn_state_machine;
      delete pick(j, 'aws_cloudwatch_log_group', 'validator').kms_key_id;
    });
    expect(problems('LogGroupsEncryptedWithRetention', a)).toEqual([`${DEV} aws_cloudwatch_log_group.validator_logs_group_E1327ABC: is not encrypted with a KMS key`]);
  });
});

describe('IamPoliciesWithoutWildcards: no "*" actions, no "*" resources where the action can be scoped', () => {
  it('1: an action "*"', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'validator_role_permissions').find((x: any) => x.sid === 'WriteQuarantine').actions = ['*']));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role_policy.validator_role_policy_5A53B681 WriteQuarantine: allows "*"`]);
  });
  it('2: a whole service', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'publish_role_permissions')[0].actions = ['glue:*']));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role_policy.publish_role_policy_6F7DB868 MovePublishedTables: allows "glue:*"`]);
  });
  it('3: a scopable action on Resource "*"', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'gate_role_permissions')[0].resources = ['*']));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([
      `${DEV} aws_iam_role_policy.gate_role_policy_D0B10B76 QueryInWorkgroup: grants athena:GetQueryExecution, athena:GetQueryResults, athena:GetWorkGroup, athena:StartQueryExecution, athena:StopQueryExecution on Resource "*"`.replace(
        'gate_role_policy_D0B10B76',
        Object.keys(synth.stack(DEV).json.resource!.aws_iam_role_policy).find((k) => k.startsWith('gate_'))!,
      ),
    ]);
  });
  it('4: NotAction in an Allow', () => {
    const a = variant(app, DEV_BOOT, (j) => {
      const s = statements(j, 'deploy-catalog-document')[0];
      s.not_actions = ['glue:DeleteDatabase'];
      delete s.actions;
    });
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV_BOOT} aws_iam_policy.terraform-cloud-trust_deploy-catalog_EA5886FD ManageEnvironmentCatalog: allows NotAction (everything but a list)`]);
  });
  it('6: a whole service in the deploy role on Resource "*" (its service-wide statements are held to its own environment\'s ARNs)', () => {
    const a = variant(app, DEV_BOOT, (j) => (statements(j, 'deploy-compute-document').find((x: any) => x.sid === 'ManageEnvironmentFunctions').resources = ['*']));
    const policy = Object.keys(synth.stack(DEV_BOOT).json.resource!.aws_iam_policy).find((k) => k.includes('deploy-compute'))!;
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([
      `${DEV_BOOT} aws_iam_policy.${policy} ManageEnvironmentFunctions: allows "lambda:*" on resources outside its environment`,
      `${DEV_BOOT} aws_iam_policy.${policy} ManageEnvironmentFunctions: grants lambda:* on Resource "*"`,
    ]);
    const b = variant(app, DEV_BOOT, (j) => statements(j, 'deploy-compute-document').find((x: any) => x.sid === 'ManageEnvironmentFunctions').resources.push('arn:aws:lambda:eu-west-1:333333333333:function:anything'));
    expect(problems('IamPoliciesWithoutWildcards', b)).toHaveLength(1);
  });
  it('7: a whole service in the plan role, even on the environment\'s ARNs', () => {
    const a = variant(app, DEV_BOOT, (j) => (statements(j, 'plan-compute-document')[0].actions = ['lambda:*']));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([
      `${DEV_BOOT} ${Object.keys(synth.stack(DEV_BOOT).json.resource!.aws_iam_policy).map((k) => `aws_iam_policy.${k}`).find((k) => k.includes('plan-compute'))} ManageEnvironmentFunctions: allows "lambda:*"`,
    ]);
  });
  it('5: a trust anyone may use', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'validator_role_trust')[0].principals = [{ type: 'AWS', identifiers: ['*'] }]));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role.validator_role_D78C5FA2 AssumedBy: lets anyone assume the role`]);
  });
  it('5b: a trust whose principal is "*" itself', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'validator_role_trust')[0].principals = [{ type: '*', identifiers: ['*'] }]));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role.validator_role_D78C5FA2 AssumedBy: lets anyone assume the role`]);
  });
  const validatorPolicy = () => `aws_iam_role_policy.${Object.keys(synth.stack(DEV).json.resource!.aws_iam_role_policy).find((k) => k.startsWith('validator_'))}`;
  it('2b: a whole service written in capitals (IAM action names ignore case)', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'publish_role_permissions')[0].actions = ['GLUE:*']));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role_policy.publish_role_policy_6F7DB868 MovePublishedTables: allows "GLUE:*"`]);
  });
  it('2c: a statement without a Sid is named by its policy alone', () => {
    const a = variant(app, DEV, (j) => {
      const st = statements(j, 'publish_role_permissions')[0];
      st.actions = ['glue:*'];
      delete st.sid;
    });
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role_policy.publish_role_policy_6F7DB868: allows "glue:*"`]);
  });
  it('8: NotResource in an Allow', () => {
    const a = variant(app, DEV, (j) => {
      const s = statements(j, 'validator_role_permissions').find((x: any) => x.sid === 'WriteQuarantine');
      s.not_resources = ['arn:aws:s3:::stedi-dev-landing-111111111111/*'];
      delete s.resources;
    });
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} ${validatorPolicy()} WriteQuarantine: allows NotResource (everything but a list)`]);
  });
  it('9: a resource of any account', () => {
    const a = variant(app, DEV, (j) => statements(j, 'validator_role_permissions').find((x: any) => x.sid === 'WriteQuarantine').resources.push('arn:aws:s3:eu-west-1:*:accesspoint/any'));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} ${validatorPolicy()} WriteQuarantine: grants on arn:aws:s3:eu-west-1:*:accesspoint/any, in any account`]);
  });
  it('10: a condition-scoped action on Resource "*" without its condition key', () => {
    const policy = `aws_iam_role_policy.${Object.keys(synth.stack(DEV).json.resource!.aws_iam_role_policy).find((k) => k.startsWith('transforms_'))}`;
    const a = variant(app, DEV, (j) => (statements(j, 'transforms_role_permissions').find((x: any) => x.sid === 'PublishJobMetrics').condition[0].variable = 'aws:RequestedRegion'));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} ${policy} PublishJobMetrics: grants cloudwatch:PutMetricData on Resource "*"`]);
  });
  it('a Deny statement may name "*": it takes away, it grants nothing', () => {
    const a = variant(app, DEV, (j) => statements(j, 'validator_role_permissions').push({ sid: 'DenyAll', effect: 'Deny', actions: ['*'], resources: ['*'], not_resources: undefined }));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([]);
  });
  it('is not applicable to an app without policies', () => {
    expect(runSecurityCheck(check('IamPoliciesWithoutWildcards'), { ...app, stacks: [] })).toMatchObject({ status: 'not-applicable', findings: [] });
  });
  const STORAGE = `${DEV_BOOT} aws_iam_policy.terraform-cloud-trust_deploy-storage_33E14098 ManageEnvironmentBuckets`;
  const buckets = (j: any) => statements(j, 'deploy-storage-document').find((x: any) => x.sid === 'ManageEnvironmentBuckets');
  it('the deploy role may hold a whole service on its own ARNs, never "*", and never on what a NotResource leaves', () => {
    const all = variant(app, DEV_BOOT, (j) => (buckets(j).actions = ['*']));
    expect(problems('IamPoliciesWithoutWildcards', all)).toEqual([`${STORAGE}: allows "*"`]);
    const notResource = variant(app, DEV_BOOT, (j) => {
      delete buckets(j).resources;
      buckets(j).not_resources = ['arn:aws:s3:::stedi-dev-landing-111111111111'];
    });
    expect(problems('IamPoliciesWithoutWildcards', notResource)).toEqual([`${STORAGE}: allows "s3:*" on resources outside its environment`, `${STORAGE}: allows NotResource (everything but a list)`]);
  });
  it('NotAction on Resource "*" is reported once, as NotAction', () => {
    const a = variant(app, DEV, (j) => statements(j, 'validator_role_permissions').push({ sid: 'AllButIam', effect: 'Allow', not_actions: ['iam:*'], resources: ['*'] }));
    expect(problems('IamPoliciesWithoutWildcards', a)).toEqual([`${DEV} aws_iam_role_policy.validator_role_policy_5A53B681 AllButIam: allows NotAction (everything but a list)`]);
  });
  it('a condition-scoped action keeps its scope beside other conditions', () => {
    const a = variant(app, DEV, (j) => statements(j, 'transforms_role_permissions').find((x: any) => x.sid === 'PublishJobMetrics').condition.push({ test: 'Bool', variable: 'aws:SecureTransport', values: ['true'] }));
    expect(statusOf('IamPoliciesWithoutWildcards', a)).toBe('compliant');
  });
  it('a wildcard inside a service (s3:*Object) is no whole-service grant; LandingNeverDeletedOnlyIngestionWrites judges what it reaches', () => {
    const a = variant(app, DEV, (j) => statements(j, 'validator_role_permissions').push({ sid: 'Objects', effect: 'Allow', actions: ['s3:*Object'], resources: ['arn:aws:s3:::stedi-dev-trusted-111111111111/*'] }));
    expect(statusOf('IamPoliciesWithoutWildcards', a)).toBe('compliant');
  });
});

describe('LandingNeverDeletedOnlyIngestionWrites: nothing deletes landing; only ingestion writes it', () => {
  const landingPolicy = (j: any) => statements(j, 'storage_landing_policy-document');
  it('1: the bucket policy no longer denies deletes', () => {
    const a = variant(app, DEV, (j) => landingPolicy(j).splice(1, 1));
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([
      `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: the bucket policy does not deny s3:DeleteObject to everyone`,
      `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: the bucket policy does not deny s3:DeleteObjectVersion to everyone`,
    ]);
  });
  it('2: a role allowed to delete landing objects (the validator)', () => {
    const a = variant(app, DEV, (j) => statements(j, 'validator_role_permissions')[0].actions.push('s3:DeleteObject'));
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([`${DEV} aws_iam_role_policy.validator_role_policy_5A53B681: role stedi-dev-lake-validator may s3:DeleteObject landing objects`]);
  });
  it('3: a role allowed to write landing that is not an ingestion role', () => {
    const a = variant(app, DEV, (j) => statements(j, 'transforms_role_permissions').push({ sid: 'Oops', effect: 'Allow', actions: ['s3:Put*'], resources: ['arn:aws:s3:::stedi-dev-landing-111111111111/*'] }));
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([
      `${DEV} aws_iam_role_policy.${Object.keys(synth.stack(DEV).json.resource!.aws_iam_role_policy).find((k) => k.startsWith('transforms_'))}: role stedi-dev-lake-transform may put landing objects but is not an ingestion role`,
    ]);
  });
  it('4: a lifecycle rule that expires landing objects', () => {
    const a = variant(app, DEV, (j) => pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule.push({ id: 'expire', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 30 }] }));
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([`${DEV} aws_s3_bucket_lifecycle_configuration.storage_landing_lifecycle_FDB0574B: rule expire expires landing objects`]);
  });
  it('5: a delete statement that allows, names a principal, or covers the bucket but not its objects denies nothing', () => {
    const noDeny = ['s3:DeleteObject', 's3:DeleteObjectVersion'].map((a) => `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: the bucket policy does not deny ${a} to everyone`);
    const edits: [string, (st: any) => void][] = [
      ['allows', (st) => (st.effect = 'Allow')],
      ['names a principal', (st) => (st.principals = [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:role/stedi-dev-lake-validator'] }])],
      ['covers the bucket only', (st) => (st.resources = ['arn:aws:s3:::stedi-dev-landing-111111111111'])],
    ];
    for (const [how, edit] of edits) {
      const a = variant(app, DEV, (j) => edit(landingPolicy(j).find((st: any) => st.sid === 'NobodyDeletesLandingObjects')));
      expect([how, problems('LandingNeverDeletedOnlyIngestionWrites', a)]).toEqual([how, noDeny]);
    }
  });
  it('6: no statement keeping puts to the ingestion roles: a finding, and every role that may put is then no ingestion role', () => {
    const a = variant(app, DEV, (j) => landingPolicy(j).splice(2, 1));
    expect(problems('LandingNeverDeletedOnlyIngestionWrites', a)).toEqual([
      `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: the bucket policy does not deny s3:PutObject to all but the ingestion roles`,
      `${DEV} aws_iam_role_policy.ingestion_delivery-role_policy_B619EEFF: role stedi-dev-lake-delivery may put landing objects but is not an ingestion role`,
      `${DEV} aws_iam_role_policy.ingestion_producer-role_policy_A1E58D50: role stedi-dev-lake-ingestion may put landing objects but is not an ingestion role`,
    ]);
  });
  it('7: the put guard written with ArnNotEquals is the same guard', () => {
    const a = variant(app, DEV, (j) => (landingPolicy(j)[2].condition[0].test = 'ArnNotEquals'));
    expect(statusOf('LandingNeverDeletedOnlyIngestionWrites', a)).toBe('compliant');
  });
  it('8: a disabled expiration rule expires nothing', () => {
    const a = variant(app, DEV, (j) => pick(j, 'aws_s3_bucket_lifecycle_configuration', 'landing').rule.push({ id: 'expire', status: 'Disabled', filter: [{ prefix: '' }], expiration: [{ days: 30 }] }));
    expect(statusOf('LandingNeverDeletedOnlyIngestionWrites', a)).toBe('compliant');
  });
  it('9: an app without stacks: not applicable', () => {
    expect(runSecurityCheck(check('LandingNeverDeletedOnlyIngestionWrites'), { ...app, stacks: [] })).toEqual({ check: 'LandingNeverDeletedOnlyIngestionWrites', status: 'not-applicable', findings: [] });
  });
});

describe('EnvironmentsShareNothing: no principal, bucket or key of one environment in the other', () => {
  it('1: a dev role trusting a prod principal', () => {
    const a = variant(app, DEV, (j) => (statements(j, 'ingestion_producer-role_trust')[0].principals[0].identifiers = ['arn:aws:iam::222222222222:role/stedi-prod-website-export']));
    expect(problems('EnvironmentsShareNothing', a)).toEqual([`${DEV} (stack): names "222222222222" of environment prod`]);
  });
  it('2: a prod policy granting a dev bucket', () => {
    const a = variant(app, PROD, (j) => statements(j, 'validator_role_permissions')[0].resources.push('arn:aws:s3:::stedi-dev-landing-111111111111/*'));
    expect(problems('EnvironmentsShareNothing', a)).toEqual([
      `${PROD} (stack): names "111111111111" of environment dev`,
      `${PROD} (stack): names "stedi-dev-landing-111111111111" of environment dev`,
    ]);
  });
  it('3: every kind of name of the other environment: role, policy, key alias, database, function, state machine, workgroup', () => {
    // Renamed so that the prod workgroup and state machine (both stedi-prod-pipeline) are told apart.
    const renamed = variant(app, PROD, (j) => (pick(j, 'aws_athena_workgroup', 'workgroup').name = 'stedi-prod-queries'));
    for (const name of ['stedi-prod-lake-delivery', 'stedi-prod-lake-boundary', 'alias/stedi-prod-data-lake', 'stedi_prod_trusted', 'stedi-prod-validator', 'stedi-prod-pipeline', 'stedi-prod-queries']) {
      const a = variant(renamed, DEV, (j) => (pick(j, 'aws_s3_bucket', 'landing').tags = { ...pick(j, 'aws_s3_bucket', 'landing').tags, note: name }));
      expect([name, problems('EnvironmentsShareNothing', a)]).toEqual([name, [`${DEV} (stack): names "${name}" of environment prod`]]);
    }
  });
  it('4: a name written as a reference, or not written at all, identifies nothing', () => {
    const prod = variant(app, PROD, (j) => {
      pick(j, 'aws_athena_workgroup', 'workgroup').name = '${var.workgroup_name}';
      delete pick(j, 'aws_lambda_function', 'gate').function_name;
    });
    const a = variant(prod, DEV, (j) => (pick(j, 'aws_s3_bucket', 'landing').tags = { ...pick(j, 'aws_s3_bucket', 'landing').tags, ref: '${var.workgroup_name}', note: 'undefined' }));
    expect(problems('EnvironmentsShareNothing', a)).toEqual([]);
  });
  it('5: an app of one environment: not applicable', () => {
    expect(runSecurityCheck(check('EnvironmentsShareNothing'), { ...app, environments: app.environments.slice(0, 1) })).toEqual({ check: 'EnvironmentsShareNothing', status: 'not-applicable', findings: [] });
  });
});

describe('LogicalIdsPinned: addresses equal the committed lists', () => {
  it('1: a renamed construct (a bucket under a new address)', () => {
    const a = variant(app, DEV, (j) => {
      const key = Object.keys(j.resource.aws_s3_bucket).find((k) => k.includes('landing'))!;
      j.resource.aws_s3_bucket.storage_landing_zone_bucket_00000000 = j.resource.aws_s3_bucket[key];
      delete j.resource.aws_s3_bucket[key];
    });
    expect(problems('LogicalIdsPinned', a)).toEqual([
      `${DEV} aws_s3_bucket.storage_landing_bucket_6FD8E8B7: is pinned but no longer synthesized (Terraform would destroy it)`,
      `${DEV} aws_s3_bucket.storage_landing_zone_bucket_00000000: is synthesized but not pinned (new, or a pinned resource under a new address)`,
    ]);
  });
  it('is not applicable without committed lists', () => {
    expect(statusOf('LogicalIdsPinned', { ...app, pinnedAddresses: undefined })).toBe('not-applicable');
  });
  it('a stack without a committed list is a finding', () => {
    const { [DEV]: _dropped, ...rest } = app.pinnedAddresses!;
    expect(problems('LogicalIdsPinned', { ...app, pinnedAddresses: rest })).toEqual([`${DEV} (stack): has no pinned address list`]);
  });
});

describe('PublishOnlyThroughPassingGates: curated jobs and publish only through passing gates', () => {
  const definition = (j: any) => pick(j, 'aws_sfn_state_machine', 'pipeline');
  const edit = (j: any, f: (d: any) => void) => {
    const m = definition(j);
    const d = JSON.parse(m.definition);
    f(d);
    m.definition = JSON.stringify(d);
  };
  it('1: the trusted gate\'s default goes on to the curated jobs', () => {
    const a = variant(app, DEV, (j) => edit(j, (d) => (d.States['Trusted gate passed?'].Default = 'Build customer_curated')));
    expect(problems('PublishOnlyThroughPassingGates', a)).toEqual([
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Build customer_curated is reachable without passing the trusted gate`,
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Build machine_learning_curated is reachable without passing the trusted gate`,
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Publish is reachable without passing the trusted gate`,
    ]);
  });
  it('2: a Catch that publishes anyway', () => {
    const a = variant(app, DEV, (j) => edit(j, (d) => (d.States['Audit curated'].Catch[0].Next = 'Publish')));
    expect(problems('PublishOnlyThroughPassingGates', a)).toEqual([`${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Publish is reachable without passing the curated gate`]);
  });
  it('3: no gate at all', () => {
    const a = variant(app, DEV, (j) => edit(j, (d) => (d.States['Curated gate passed?'].Choices[0].Variable = '$.anything')));
    expect(problems('PublishOnlyThroughPassingGates', a)).toEqual([`${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: no Choice continues on $.gates.curated.passed == true`]);
  });
  it('4: no publish step (the Publish task calls another function)', () => {
    const a = variant(app, DEV, (j) => edit(j, (d) => (d.States.Publish.Parameters.FunctionName = d.States.Publish.Parameters.FunctionName.replace(/-publish$/, '-publisher'))));
    expect(problems('PublishOnlyThroughPassingGates', a)).toEqual([`${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: has no publish step`]);
  });
  it('a publish step that calls a version or alias of the publish function is still the publish step', () => {
    const a = variant(app, DEV, (j) => edit(j, (d) => (d.States.Publish.Parameters.FunctionName += ':live')));
    expect(problems('PublishOnlyThroughPassingGates', a)).toEqual([]);
    const b = variant(app, DEV, (j) => edit(j, (d) => {
      d.States.Publish.Parameters.FunctionName += ':live';
      d.States['Trusted gate passed?'].Default = 'Publish';
    }));
    expect(problems('PublishOnlyThroughPassingGates', b)).toEqual([
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Publish is reachable without passing the trusted gate`,
      `${DEV} aws_sfn_state_machine.pipeline_state-machine_6E330561: Publish is reachable without passing the curated gate`,
    ]);
  });
  it('is not applicable to an app without state machines', () => {
    expect(runSecurityCheck(check('PublishOnlyThroughPassingGates'), { ...app, stacks: [] })).toMatchObject({ status: 'not-applicable', findings: [] });
  });
});
