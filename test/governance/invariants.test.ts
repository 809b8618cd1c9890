// The invariants of issue 5 over both synthesized environments, and proof that each fails when the policy widens a grant.
import { loadCatalog } from '../../src/catalog/registry';
import { checkContextFromRecords } from '../../stacks/checks/governance/check-context';
import type { CheckOutcome } from '../../stacks/checks/check';
import { GOVERNANCE_CHECKS, runGovernanceChecks } from '../../stacks/checks/governance-checks';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';
import { buildLakeFormationModel } from '../../src/governance/lake-formation-model';
import { roleArn, synthFakeEnvironment, type FakeEnv } from './fake-environment';
import { fakeContext } from './checks/fake-context';

const catalog = loadCatalog();
const policy = (env: FakeEnv, change: (p: any) => void): GrantsPolicy => {
  const p = JSON.parse(JSON.stringify(loadGrantsPolicy(env)));
  change(p);
  return p;
};
const failing = (outcomes: CheckOutcome[]) =>
  outcomes.filter((o) => o.status !== 'compliant').map((o) => ({ check: o.check, status: o.status, findings: o.findings.map((f) => `${f.resource}: ${f.detail}`) }));
const checkEnv = (env: FakeEnv, p?: GrantsPolicy) => runGovernanceChecks(GOVERNANCE_CHECKS, synthFakeEnvironment(env, { policy: p }), `stedi-${env}`, fakeContext(env));

describe('the governance invariants hold in both environments', () => {
  for (const env of ['dev', 'prod'] as const) {
    it(`${env}: every check is compliant`, () => {
      expect(failing(checkEnv(env))).toEqual([]);
    });
  }

  it('hold too against the context the stacks record about themselves (what `stedi grants check` uses)', () => {
    const models = (['dev', 'prod'] as const).map((env) => buildLakeFormationModel(synthFakeEnvironment(env), `stedi-${env}`));
    for (const [i, env] of (['dev', 'prod'] as const).entries()) {
      const context = checkContextFromRecords(models[i], models, catalog);
      expect(context).toEqual({ ...fakeContext(env), otherEnvironments: expect.any(Array) });
      expect(failing(runGovernanceChecks(GOVERNANCE_CHECKS, synthFakeEnvironment(env), `stedi-${env}`, context))).toEqual([]);
    }
  });
});

describe('widening a grant in the policy breaks exactly the invariant it should', () => {
  it('analysts given PII columns: NoPiiForAnalystsOrMl names the analyst and every PII column it reaches, nothing else fails', () => {
    const analyst = `analyst ${roleArn('prod', 'analyst')}`;
    const outcomes = checkEnv('prod', policy('prod', (p) => (p.personas.analyst.tables[0].includePii = true)));
    expect(failing(outcomes)).toEqual([
      {
        check: 'NoPiiForAnalystsOrMl',
        status: 'non-compliant',
        findings: [
          `${analyst}: DESCRIBE, SELECT on PII column stedi_prod_trusted.accelerometer_trusted.user (trusted)`,
          ...['customername', 'email', 'phone', 'birthday'].map((c) => `${analyst}: DESCRIBE, SELECT on PII column stedi_prod_trusted.customer_trusted.${c} (trusted)`),
          ...['customername', 'email', 'phone', 'birthday'].map((c) => `${analyst}: DESCRIBE, SELECT on PII column stedi_prod_curated.customer_curated.${c} (curated)`),
          `${analyst}: DESCRIBE, SELECT on PII column stedi_prod_curated.machine_learning_curated.user (curated)`,
        ],
      },
    ]);
  });

  it('ML given PII in dev only: the dev check fails on the ML role and its one PII column of machine_learning_curated', () => {
    const outcomes = checkEnv('dev', policy('dev', (p) => (p.personas.ml.tables[0].includePii = true)));
    expect(failing(outcomes).map((o) => [o.check, o.findings.filter((f) => f.includes('machine_learning_curated'))])).toEqual([
      ['NoPiiForAnalystsOrMl', [`ml ${roleArn('dev', 'ml')}: DESCRIBE, SELECT on PII column stedi_dev_curated.machine_learning_curated.user (curated)`]],
    ]);
  });

  it('analysts given landing: LandingReadOnlyByPipeline fails for the three landing tables', () => {
    const outcomes = checkEnv('prod', policy('prod', (p) => p.personas.analyst.tables[0].zones.unshift('landing')));
    expect(failing(outcomes)).toEqual([
      {
        check: 'LandingReadOnlyByPipeline',
        status: 'non-compliant',
        findings: [
          `analyst ${roleArn('prod', 'analyst')}: SELECT on landing table stedi_prod_landing.accelerometer_landing (4 of 5 columns)`,
          `analyst ${roleArn('prod', 'analyst')}: SELECT on landing table stedi_prod_landing.customer_landing (6 of 10 columns)`,
          `analyst ${roleArn('prod', 'analyst')}: SELECT on landing table stedi_prod_landing.step_trainer_landing (3 of 3 columns)`,
        ],
      },
    ]);
  });

  it('the gate made grantable: NoGrantableOutsideAdmins fails for the gate only', () => {
    const outcomes = checkEnv('prod', policy('prod', (p) => (p.personas.gate.tables[0].grantable = true)));
    expect(failing(outcomes).map((o) => [o.check, o.findings.map((f) => f.replace(/ \(aws_lakeformation_permissions\.[^)]+\)$/, ''))])).toEqual([
      ['NoGrantableOutsideAdmins', [`gate ${roleArn('prod', 'gate')}: may grant DESCRIBE, SELECT to others`]],
    ]);
  });

  it('the validator allowed to write landing: LandingWrittenOnlyByIngestion and WorkloadsHoldOnlyTheirWork fail on INSERT and the landing location', () => {
    const outcomes = checkEnv('prod', policy('prod', (p) => {
      p.personas.validator.tables[0].permissions.push('INSERT');
      p.personas.validator.dataLocations.push({ zones: ['landing'], grantable: false });
    }));
    const validator = `validator ${roleArn('prod', 'validator')}`;
    const landingTables = ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'];
    const location = 'arn:aws:s3:::stedi-prod-landing-222222222222';
    expect(failing(outcomes)).toEqual([
      {
        check: 'LandingWrittenOnlyByIngestion',
        status: 'non-compliant',
        findings: [
          ...landingTables.map((t) => `${validator}: INSERT on landing table stedi_prod_landing.${t}`),
          `${validator}: DATA_LOCATION_ACCESS on landing location ${location}`,
        ],
      },
      {
        check: 'WorkloadsHoldOnlyTheirWork',
        status: 'non-compliant',
        findings: [
          ...landingTables.map((t) => `${validator}: INSERT on landing table stedi_prod_landing.${t}, which the validator workload never calls for`),
          `${validator}: DATA_LOCATION_ACCESS on landing location ${location}, which the validator workload never points a table at`,
        ],
      },
    ]);
  });
});
