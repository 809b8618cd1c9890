// The Glue Data Catalog is encrypted with the environment key, for the whole account: every role
// of the lakehouse that reads or changes catalog tables must be able to use the key through Glue
// (Athena user guide, "Configuring access to encrypted metadata in the AWS Glue Data Catalog"),
// and the key uses that name a service keep to it. Decided by the IAM simulator, on the synthesized
// identity policies, boundaries and key policy.
import { coversAction, policyOf, resources, type IamPolicyJson } from '../../stacks/checks/terraform-json';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { decide, roleModels, type RoleModel } from './iam-model';
import { synthesize, type Synthesized } from './synthesized';

let synth: Synthesized;
let roles: RoleModel[];

beforeAll(() => {
  synth = synthesize();
  roles = roleModels(synth.app);
});

/** Catalog calls on tables: what Glue decrypts (reads) or encrypts (writes) table metadata for. */
const CATALOG_READS = ['glue:GetTable', 'glue:GetTables', 'glue:GetPartitions', 'glue:GetDatabase'];
const CATALOG_WRITES = ['glue:UpdateTable', 'glue:CreateTable'];

function setting(env: string) {
  const e = synth.environments.find((x) => x.name === env)!;
  const names = new ResourceNames(e);
  const stack = synth.stack(names.stack('lakehouse'));
  const key = resources(stack, 'aws_kms_key')[0];
  return { names, keyArn: `arn:aws:kms:${names.region}:${names.account}:key/${key.name}`, keyPolicy: policyOf(stack, key.body.policy) as IamPolicyJson };
}

const allows = (r: RoleModel, actions: readonly string[]) => r.identity.some((p) => p.policy.Statement.some((s) => s.Effect === 'Allow' && actions.some((a) => coversAction(s, a))));

describe('the encrypted Glue Data Catalog', () => {
  it('every lakehouse role that reads catalog tables may decrypt them through Glue, and every one that changes them may encrypt', async () => {
    const problems: string[] = [];
    const users: string[] = [];
    for (const r of roles.filter((x) => x.stack.endsWith('-lakehouse'))) {
      const reads = allows(r, CATALOG_READS);
      const writes = allows(r, CATALOG_WRITES);
      if (!reads && !writes) continue;
      users.push(`${r.name}${writes ? ' (writes)' : ''}`);
      const { names, keyArn, keyPolicy } = setting(r.env);
      const viaGlue = { 'kms:ViaService': `glue.${names.region}.amazonaws.com` };
      for (const action of ['kms:Decrypt', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])]) {
        const decision = await decide(r, { action, resource: keyArn, resourcePolicy: keyPolicy, context: viaGlue });
        if (decision !== 'Allowed') problems.push(`${r.name}: ${action} through Glue is ${decision}`);
      }
    }
    // Derived from the policies, not listed: today these four.
    expect(users.sort()).toEqual(
      ['dev', 'prod'].flatMap((e) => [`stedi-${e}-lake-gate (writes)`, `stedi-${e}-lake-publish (writes)`, `stedi-${e}-lake-transform (writes)`, `stedi-${e}-lake-validator`]).sort(),
    );
    expect(problems).toEqual([]);
  });

  it('the orchestrator uses the key only through S3 (Map results) and SNS (the encrypted alert topic)', async () => {
    const { names, keyArn, keyPolicy } = setting('dev');
    const orchestrator = roles.find((r) => r.name === names.lakeRole('orchestrator'))!;
    const decisions: string[] = [];
    for (const via of [undefined, 's3', 'sns', 'glue', 'lambda']) {
      const context: Record<string, string> = via ? { 'kms:ViaService': `${via}.${names.region}.amazonaws.com` } : {};
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) decisions.push(`${action} via ${via ?? '(direct)'}: ${await decide(orchestrator, { action, resource: keyArn, resourcePolicy: keyPolicy, context })}`);
    }
    expect(decisions).toEqual([
      'kms:Decrypt via (direct): ImplicitlyDenied',
      'kms:GenerateDataKey via (direct): ImplicitlyDenied',
      'kms:Decrypt via s3: Allowed',
      'kms:GenerateDataKey via s3: Allowed',
      'kms:Decrypt via sns: Allowed',
      'kms:GenerateDataKey via sns: Allowed',
      'kms:Decrypt via glue: ImplicitlyDenied',
      'kms:GenerateDataKey via glue: ImplicitlyDenied',
      'kms:Decrypt via lambda: ImplicitlyDenied',
      'kms:GenerateDataKey via lambda: ImplicitlyDenied',
    ]);
  });
});
