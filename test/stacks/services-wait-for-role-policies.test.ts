// ServicesWaitForRolePolicies: compliant on the synthesized app, non-compliant on numbered variants
// in which one resource that hands a role to its service no longer waits for the role's policy.
import { runSecurityCheck } from '../../stacks/checks/security-checks';
import { ServicesWaitForRolePolicies } from '../../stacks/checks/security/services-wait-for-role-policies';
import type { SynthesizedApp } from '../../stacks/checks/terraform-json';
import { pick, synthesize, variant } from './synthesized';

let app: SynthesizedApp;
const DEV = 'stedi-dev-lakehouse';

beforeAll(() => {
  app = synthesize().app;
});

const problems = (a: SynthesizedApp) => runSecurityCheck(ServicesWaitForRolePolicies, a).findings.map((f) => `${f.stack} ${f.resource}: ${f.detail}`);
/** The resource of `type` whose name contains `fragment` no longer depends on any aws_iam_role_policy. */
const withoutPolicyDependency = (type: string, fragment: string) =>
  variant(app, DEV, (j) => {
    const r = pick(j, type, fragment);
    r.depends_on = (r.depends_on as string[]).filter((d) => !d.startsWith('aws_iam_role_policy.'));
  });
const address = (a: SynthesizedApp, type: string, fragment: string) => `${type}.${Object.keys(a.stacks.find((s) => s.name === DEV)!.json.resource![type]).find((n) => n.includes(fragment))}`;

describe('ServicesWaitForRolePolicies: every resource that hands a role to a service waits for its policies', () => {
  it('the synthesized app of both environments is compliant', () => {
    expect(runSecurityCheck(ServicesWaitForRolePolicies, app)).toMatchObject({ status: 'compliant', findings: [] });
  });

  it('1: the state machine does not wait for its role policy (CreateStateMachine checks log delivery, aws/aws-cdk#26432)', () => {
    const a = withoutPolicyDependency('aws_sfn_state_machine', 'pipeline');
    expect(problems(a)).toEqual([
      `${DEV} ${address(a, 'aws_sfn_state_machine', 'pipeline')}: hands role stedi-dev-lake-orchestrator to its service (role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'pipeline_role')}`,
    ]);
  });

  it('2: a Lambda function', () => {
    const a = withoutPolicyDependency('aws_lambda_function', 'validator');
    expect(problems(a)).toEqual([`${DEV} ${address(a, 'aws_lambda_function', 'validator')}: hands role stedi-dev-lake-validator to its service (role) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'validator_role')}`]);
  });

  it('3: a Glue job', () => {
    const a = withoutPolicyDependency('aws_glue_job', 'customer_curated');
    expect(problems(a)).toEqual([`${DEV} ${address(a, 'aws_glue_job', 'customer_curated')}: hands role stedi-dev-lake-transform to its service (role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'transforms_role')}`]);
  });

  it('4: a Firehose stream, whose role is nested in extended_s3_configuration', () => {
    const a = withoutPolicyDependency('aws_kinesis_firehose_delivery_stream', 'step_trainer');
    expect(problems(a)).toEqual([
      `${DEV} ${address(a, 'aws_kinesis_firehose_delivery_stream', 'step_trainer')}: hands role stedi-dev-lake-delivery to its service (extended_s3_configuration.role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'delivery-role')}`,
    ]);
  });

  it('5: an IoT topic rule', () => {
    const a = withoutPolicyDependency('aws_iot_topic_rule', 'step_trainer');
    expect(problems(a)).toEqual([
      `${DEV} ${address(a, 'aws_iot_topic_rule', 'step_trainer')}: hands role stedi-dev-lake-iot-ingestion to its service (firehose[0].role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'iot-role')}`,
    ]);
  });

  it('6: the schedule, whose role is in its target', () => {
    const a = withoutPolicyDependency('aws_scheduler_schedule', 'schedule');
    expect(problems(a)).toEqual([`${DEV} ${address(a, 'aws_scheduler_schedule', 'schedule')}: hands role stedi-dev-lake-scheduler to its service (target.role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'schedule_role')}`]);
  });

  it('7: a Lake Formation registration, which names its role by literal ARN', () => {
    // The registrations wait for the registration role through the data lake settings they follow;
    // cut that chain at the first registration.
    const a = variant(app, DEV, (j) => {
      for (const name of Object.keys(j.resource.aws_lakeformation_resource)) j.resource.aws_lakeformation_resource[name].depends_on = [];
    });
    const registrations = Object.keys(a.stacks.find((s) => s.name === DEV)!.json.resource!.aws_lakeformation_resource).sort();
    expect(problems(a)).toEqual(
      registrations.map((n) => `${DEV} aws_lakeformation_resource.${n}: hands role stedi-dev-lake-registration to its service (role_arn) without waiting for its policy ${address(a, 'aws_iam_role_policy', 'lake-registration')}`),
    );
  });

  it('8: a policy attached rather than inline counts too', () => {
    const a = variant(app, DEV, (j) => {
      j.resource.aws_iam_role_policy_attachment = { extra: { role: '${aws_iam_role.gate_role_3B1F0861.name}', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } };
    });
    expect(problems(a)).toEqual([`${DEV} ${address(a, 'aws_lambda_function', 'gate')}: hands role stedi-dev-lake-gate to its service (role) without waiting for its policy aws_iam_role_policy_attachment.extra`]);
  });

  it('a role the stack does not create (e.g. a pre-existing one) is none of its business; an app without roles is not applicable', () => {
    const a = variant(app, DEV, (j) => (pick(j, 'aws_glue_job', 'customer_curated').role_arn = 'arn:aws:iam::111111111111:role/somebody-elses'));
    expect(problems(a)).toEqual([]);
    const none: SynthesizedApp = { ...app, stacks: app.stacks.map((s) => ({ name: s.name, json: { ...s.json, resource: Object.fromEntries(Object.entries(s.json.resource ?? {}).filter(([t]) => t !== 'aws_iam_role')) } })) };
    expect(runSecurityCheck(ServicesWaitForRolePolicies, none).status).toBe('not-applicable');
  });
});
