// Each workload of the real synthesized stacks holds in Lake Formation exactly what its code calls
// (issue 15: one persona for the Glue jobs, the validator and publish gave each the union of all
// three), and its IAM side agrees: it may ask for data credentials only when its grants reach data,
// and the catalog writes IAM allows are the ones Lake Formation grants.
import { GOVERNANCE_CHECKS, runGovernanceCheck, WorkloadsHoldOnlyTheirWork } from '../../stacks/checks/governance-checks';
import { checkContextFromRecords } from '../../stacks/checks/governance/check-context';
import { computeEffectiveAccess, type EffectiveAccess, type PrincipalAccess } from '../../src/governance/effective-access';
import { buildLakeFormationModel } from '../../src/governance/lake-formation-model';
import { iamMatches, stackAccount, stackPolicies, type TerraformJson } from '../../stacks/checks/terraform-json';
import { synthesize, type Synthesized } from '../stacks/synthesized';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const ENVS = [
  { env: 'dev', account: '111111111111' },
  { env: 'prod', account: '222222222222' },
] as const;
const LANDING = ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'];
const TRUSTED = ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted'];
const CURATED = ['customer_curated', 'machine_learning_curated'];
const STAGING = [...LANDING, ...TRUSTED, ...CURATED];

const viewOf = (env: string) => {
  const stack = `stedi-${env}-lakehouse`;
  const model = buildLakeFormationModel(synth.stack(stack).json as TerraformJson, stack);
  return { stack, model, access: computeEffectiveAccess(model) };
};
const principal = (access: EffectiveAccess, env: string, account: string, purpose: string): PrincipalAccess => {
  const arn = `arn:aws:iam::${account}:role/stedi-${env}-lake-${purpose}`;
  const p = access.principals.find((x) => x.principal === arn);
  if (!p) throw new Error(`${arn} holds no Lake Formation grant`);
  return p;
};

/** `<database>.<table>: <permissions>` per table the principal reaches, every column with the same permissions. */
function tablesOf(p: PrincipalAccess, env: string): string[] {
  return p.tables.map((t) => {
    const perms = [...new Set(t.columns.map((c) => c.permissions.join(', ')))];
    // Full-table access (Glue 5.0, table credentials): a workload must hold every column or none.
    expect(`${t.table} ${t.columns.length}/${t.columnCount} ${perms.length}`).toBe(`${t.table} ${t.columnCount}/${t.columnCount} 1`);
    return `${t.database.replace(`stedi_${env}_`, '')}.${t.table}: ${perms[0]}`;
  }).sort();
}
const databasesOf = (p: PrincipalAccess, env: string) => p.databases.map((d) => `${d.database.replace(`stedi_${env}_`, '')}: ${d.permissions.join(', ')}`).sort();
const locationsOf = (p: PrincipalAccess) => p.locations.map((l) => `${l.zones.join(', ')}: ${l.permissions.join(', ')}`).sort();
const tables = (zone: string, names: readonly string[], perms: string) => names.map((t) => `${zone}.${t}: ${perms}`);

/** What each workload's code calls, as Lake Formation would see it (the expected lists, written out). */
const EXPECTED: Record<string, { databases: string[]; tables: string[]; locations: string[] }> = {
  // src/lambdas/validator.ts: SELECT credentials for the dataset's landing table, INSERT for its staging copy.
  validator: {
    databases: ['landing: DESCRIBE', 'staging: DESCRIBE'],
    tables: [...tables('landing', LANDING, 'DESCRIBE, SELECT'), ...tables('staging', LANDING, 'DESCRIBE, INSERT')].sort(),
    locations: [],
  },
  // glue/jobs/run_transform.py: reads its inputs' staging copies (the validated landing records
  // among them), overwrites its output's staging copy.
  transform: {
    databases: ['staging: DESCRIBE'],
    tables: [...tables('staging', LANDING, 'DESCRIBE, SELECT'), ...tables('staging', [...TRUSTED, ...CURATED], 'ALTER, DELETE, DESCRIBE, INSERT, SELECT')].sort(),
    locations: [],
  },
  // src/lambdas/gate.ts: Athena over the run's staging tables and the published curated tables
  // (volume comparison); the Stage step re-points the staging tables.
  gate: {
    databases: ['curated: DESCRIBE', 'staging: DESCRIBE'],
    tables: [...tables('curated', CURATED, 'DESCRIBE, SELECT'), ...tables('staging', STAGING, 'ALTER, DESCRIBE, SELECT')].sort(),
    locations: ['curated, staging: DATA_LOCATION_ACCESS', 'trusted, staging: DATA_LOCATION_ACCESS'],
  },
  // src/lambdas/publish.ts: glue:GetTable and glue:UpdateTable (the location) of the published tables.
  publish: {
    databases: ['curated: DESCRIBE', 'trusted: DESCRIBE'],
    tables: [...tables('trusted', TRUSTED, 'ALTER, DESCRIBE'), ...tables('curated', CURATED, 'ALTER, DESCRIBE')].sort(),
    locations: ['curated, staging: DATA_LOCATION_ACCESS', 'trusted, staging: DATA_LOCATION_ACCESS'],
  },
};

describe('each workload holds exactly what its code calls (one persona per workload)', () => {
  for (const { env, account } of ENVS) {
    it(`${env}: the validator, transform, gate and publish roles' effective Lake Formation access equals their expected lists`, () => {
      const { access } = viewOf(env);
      for (const [purpose, want] of Object.entries(EXPECTED)) {
        const p = principal(access, env, account, purpose);
        expect({ purpose, persona: p.persona, databases: databasesOf(p, env), tables: tablesOf(p, env), locations: locationsOf(p), other: p.other }).toEqual({ purpose, persona: purpose, ...want, other: [] });
      }
    });

    it(`${env}: no workload holds another's work: the validator alters nothing and has no trusted, curated or location; publish reads and writes no data; the Glue jobs stay in staging`, () => {
      const { access } = viewOf(env);
      const perms = (purpose: string) => principal(access, env, account, purpose).tables.flatMap((t) => [...new Set(t.columns.flatMap((c) => c.permissions))].map((x) => `${t.zone} ${x}`));
      const validator = perms('validator');
      expect(validator.filter((x) => /ALTER|DELETE|DROP/.test(x) || /^(trusted|curated) /.test(x))).toEqual([]);
      // In staging, the validator writes the validated landing records only, never a table the Glue jobs build.
      expect(principal(access, env, account, 'validator').tables.filter((t) => t.zone === 'staging').map((t) => t.table).sort()).toEqual(LANDING);
      // The Glue jobs read the validated records and never write them.
      expect(principal(access, env, account, 'transform').tables.filter((t) => LANDING.includes(t.table)).flatMap((t) => t.columns.flatMap((c) => c.permissions)).filter((x) => x !== 'DESCRIBE' && x !== 'SELECT')).toEqual([]);
      expect(principal(access, env, account, 'validator').locations).toEqual([]);
      expect(perms('publish').filter((x) => / (SELECT|INSERT|DELETE|DROP)$/.test(x) || /^(landing|staging) /.test(x))).toEqual([]);
      expect(perms('transform').filter((x) => !x.startsWith('staging '))).toEqual([]);
      expect(principal(access, env, account, 'transform').locations).toEqual([]);
    });

    it(`${env}: WorkloadsHoldOnlyTheirWork is compliant, and each workload is a persona of its own`, () => {
      const { model, access } = viewOf(env);
      const context = checkContextFromRecords(model, ENVS.map((e) => viewOf(e.env).model));
      expect(runGovernanceCheck(WorkloadsHoldOnlyTheirWork, { model, access }, context)).toEqual({ check: 'WorkloadsHoldOnlyTheirWork', status: 'compliant', findings: [] });
      expect(GOVERNANCE_CHECKS).toContain(WorkloadsHoldOnlyTheirWork);
      const role = (purpose: string) => [`arn:aws:iam::${account}:role/stedi-${env}-lake-${purpose}`];
      expect(Object.fromEntries((['validator', 'transform', 'gate', 'publish'] as const).map((p) => [p, context.personas[p]]))).toEqual({
        validator: role('validator'),
        transform: role('transform'),
        gate: role('gate'),
        publish: role('publish'),
      });
    });

    it(`${env}: a workload may ask Lake Formation for data credentials exactly when its grants reach data, and IAM allows glue:GetTable / glue:UpdateTable exactly on the tables it may see / ALTER`, () => {
      const { stack, model, access } = viewOf(env);
      const synthesized = synth.stack(stack);
      const { region } = stackAccount(synthesized);
      const policies = stackPolicies(synthesized);
      for (const purpose of Object.keys(EXPECTED)) {
        const p = principal(access, env, account, purpose);
        const w = model.workloads.find((x) => x.purpose === purpose)!;
        const readsOrWritesData = p.tables.some((t) => t.columns.some((c) => c.permissions.some((x) => ['SELECT', 'INSERT', 'DELETE'].includes(x))));
        expect(`${purpose} credentials ${w.lakeFormation}`).toBe(`${purpose} credentials ${readsOrWritesData}`);

        const statements = policies.filter((x) => x.kind === 'identity' && x.roles.includes(`stedi-${env}-lake-${purpose}`)).flatMap((x) => x.policy.Statement.filter((s) => s.Effect === 'Allow'));
        const mayUpdate = (arn: string) => statements.some((s) => (s.Action ?? []).some((a) => iamMatches(a, 'glue:UpdateTable', true)) && (s.Resource ?? []).some((r) => iamMatches(r, arn)));
        const iamUpdates = model.tables.filter((t) => mayUpdate(`arn:aws:glue:${region}:${account}:table/${t.database}/${t.name}`)).map((t) => `${t.database}.${t.name}`).sort();
        const lfAlters = p.tables.filter((t) => t.columns.some((c) => c.permissions.includes('ALTER'))).map((t) => `${t.database}.${t.table}`).sort();
        expect(`${purpose} UpdateTable: ${iamUpdates.join(' ')}`).toBe(`${purpose} UpdateTable: ${lfAlters.join(' ')}`);
        // And it may look up (glue:GetTable) exactly the tables Lake Formation lets it see: a grant
        // it cannot reach through IAM is access no code of it uses.
        const mayGet = (arn: string) => statements.some((s) => (s.Action ?? []).some((a) => iamMatches(a, 'glue:GetTable', true)) && (s.Resource ?? []).some((r) => iamMatches(r, arn)));
        const iamGets = model.tables.filter((t) => mayGet(`arn:aws:glue:${region}:${account}:table/${t.database}/${t.name}`)).map((t) => `${t.database}.${t.name}`).sort();
        const lfSees = p.tables.map((t) => `${t.database}.${t.table}`).sort();
        expect(`${purpose} GetTable: ${iamGets.join(' ')}`).toBe(`${purpose} GetTable: ${lfSees.join(' ')}`);
      }
    });
  }
});
