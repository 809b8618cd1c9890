// How each workload of the real synthesized stacks reaches data, and the check that no workload role
// reaches zone data through IAM alone but on the listed paths (src/governance/iam-paths.ts).
import { runGovernanceCheck, WorkloadDataThroughLakeFormation } from '../../stacks/checks/governance-checks';
import { computeEffectiveAccess } from '../../src/governance/effective-access';
import { buildLakeFormationModel } from '../../src/governance/lake-formation-model';
import type { TerraformJson } from '../../stacks/checks/terraform-json';
import { pickData, synthesize, type Synthesized } from '../stacks/synthesized';

let synth: Synthesized;
const DEV = 'stedi-dev-lakehouse';

beforeAll(() => {
  synth = synthesize();
});

const model = (json: TerraformJson) => buildLakeFormationModel(json, DEV);
const check = (json: TerraformJson) => {
  const m = model(json);
  return runGovernanceCheck(WorkloadDataThroughLakeFormation, { model: m, access: computeEffectiveAccess(m) }, undefined as never);
};
/** The dev stack's JSON with one role policy's statements changed. */
function changed(document: string, change: (statements: any[]) => void): TerraformJson {
  const json = structuredClone(synth.stack(DEV).json) as any;
  change(pickData(json, 'aws_iam_policy_document', document).statement);
  return json;
}

describe('workload access (which workload reaches which data by which mechanism)', () => {
  it('says, for every workload role, whether Lake Formation decides, which IAM paths to zone data it has and why, and what else it reaches', () => {
    const workloads = model(synth.stack(DEV).json as TerraformJson).workloads;
    const summary = Object.fromEntries(
      workloads.map((w) => [w.purpose, { persona: w.persona, lakeFormation: w.lakeFormation, iam: w.iamZonePaths.map((p) => `${p.statement} ${p.use}${p.reason !== undefined ? '' : ' UNLISTED'}`), other: [...new Set(w.otherData.map((o) => o.bucket))] }]),
    );
    expect(summary).toEqual({
      delivery: { persona: 'ingestion', lakeFormation: false, iam: ['FindLandingBucket names', 'DeliverStreamedFiles content'], other: [] },
      gate: { persona: 'gate', lakeFormation: true, iam: [], other: ['athena-results', 'artifacts'] },
      ingestion: { persona: 'ingestion', lakeFormation: false, iam: ['DropBatchFiles content'], other: [] },
      'iot-ingestion': { persona: undefined, lakeFormation: false, iam: [], other: [] },
      orchestrator: { persona: undefined, lakeFormation: false, iam: ['ListLandingObjects names'], other: ['artifacts'] },
      publish: { persona: 'publish', lakeFormation: false, iam: ['ListRunFoldersTrusted names', 'ListRunFoldersCurated names', 'MarkSupersededRunFolders tags'], other: ['artifacts'] },
      scheduler: { persona: undefined, lakeFormation: false, iam: [], other: [] },
      transform: { persona: 'transform', lakeFormation: true, iam: [], other: ['artifacts'] },
      validator: { persona: 'validator', lakeFormation: true, iam: [], other: ['quarantine'] },
    });
    // The registration role is Lake Formation's own: it is how the credentials reach S3, not a workload.
    expect(workloads.map((w) => w.purpose)).not.toContain('registration');
  });

  it('WorkloadDataThroughLakeFormation: compliant on the synthesized stacks', () => {
    for (const stack of ['stedi-dev-lakehouse', 'stedi-prod-lakehouse']) {
      const m = buildLakeFormationModel(synth.stack(stack).json as TerraformJson, stack);
      expect(runGovernanceCheck(WorkloadDataThroughLakeFormation, { model: m, access: computeEffectiveAccess(m) }, undefined as never).status).toBe('compliant');
    }
  });

  it('1: a Glue job role that reads a zone bucket through IAM', () => {
    const json = changed('transforms_role_permissions', (s) => s.push({ sid: 'ReadRunInputs', effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::stedi-dev-trusted-111111111111/customer_trusted/run_id=*'] }));
    expect(check(json).findings).toEqual([
      {
        resource: 'arn:aws:iam::111111111111:role/stedi-dev-lake-transform',
        detail: 'statement ReadRunInputs reaches trusted, staging data through IAM alone: s3:GetObject on arn:aws:s3:::stedi-dev-trusted-111111111111/customer_trusted/run_id=*',
      },
    ]);
  });

  it('2: a listed path widened beyond its actions (publish may tag, not write)', () => {
    const json = changed('publish_role_permissions', (s) => s.find((x) => x.sid === 'MarkSupersededRunFolders').actions.push('s3:PutObject'));
    expect(check(json).findings.map((f) => f.detail)).toEqual([expect.stringMatching(/^statement MarkSupersededRunFolders reaches trusted, curated, staging data through IAM alone: s3:PutObjectTagging, s3:PutObject on /)]);
  });

  it('3: a listed path widened beyond its keys (producers may write their datasets\' folders, not the whole bucket)', () => {
    const json = changed('ingestion_producer-role_permissions', (s) => (s.find((x) => x.sid === 'DropBatchFiles').resources = ['arn:aws:s3:::stedi-dev-landing-111111111111/*']));
    expect(check(json).findings.map((f) => `${f.resource} ${f.detail}`)).toEqual([
      'arn:aws:iam::111111111111:role/stedi-dev-lake-ingestion statement DropBatchFiles reaches landing data through IAM alone: s3:AbortMultipartUpload, s3:ListMultipartUploadParts, s3:PutObject on arn:aws:s3:::stedi-dev-landing-111111111111/*',
    ]);
  });

  it('4: a listed statement on another role (only the orchestrator lists landing for the Distributed Maps)', () => {
    const json = changed('gate_role_permissions', (s) => s.push({ sid: 'ListLandingObjects', effect: 'Allow', actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::stedi-dev-landing-111111111111'] }));
    expect(check(json).findings.map((f) => f.resource)).toEqual(['arn:aws:iam::111111111111:role/stedi-dev-lake-gate']);
  });
});
