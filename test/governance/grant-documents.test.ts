// The committed grants documents, the real app's governance, and what a reviewer sees when a grant changes.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { loadEnvironments } from '../../config/environments/load-environment';
import { PROJECT_ROOT, loadCatalog } from '../../src/catalog/registry';
import { GOVERNANCE_CHECKS, runGovernanceChecks, type CheckContext } from '../../stacks/checks/governance-checks';
import { checkGrantsIn, diffGrantsBetween, renderGrantsForEnvironment, stackForEnvironment } from '../../src/governance/grants-command';
import { loadGrantsPolicy } from '../../src/governance/grants-policy';
import { readSynthesizedStack } from '../../stacks/checks/terraform-json';
import { PERSONAS } from '../../src/governance/vocabulary';
import { synthesizedApp } from '../../stacks/checks/synthesized-app';
import { runSecurityChecks } from '../../stacks/checks/security-checks';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { REGENERATE_GRANT_DOCUMENTS, grantDocumentFile, synthGovernedApp } from '../../stacks/governance/grant-documents';

const catalog = loadCatalog();
const environments = loadEnvironments(catalog.datasets.map((d) => d.dataset));
const { outdir } = synthGovernedApp();

describe('docs/grants: the committed documents', () => {
  for (const env of environments.map((e) => e.name)) {
    it(`docs/grants/${env}.md matches a fresh render of the synthesized ${env} stack`, () => {
      const file = grantDocumentFile(env);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const fresh = renderGrantsForEnvironment(outdir, env, 'md');
      if (committed !== fresh) {
        throw new Error(`${relative(PROJECT_ROOT, file)} is out of date with the synthesized Terraform. Regenerate it with \`${REGENERATE_GRANT_DOCUMENTS}\`, review the change and commit it.`);
      }
    });
  }
});

/** Lines removed and lines added, as `git diff` shows them (longest common subsequence kept). */
function lineDiff(a: readonly string[], b: readonly string[]): [string[], string[]] {
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) (i++, j++);
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) removed.push(a[i++]);
    else added.push(b[j++]);
  }
  return [[...removed, ...a.slice(i)], [...added, ...b.slice(j)]];
}

/** The context of an environment as its config states it, independent of what the stack records. */
function contextOf(name: string): CheckContext {
  const env = environments.find((e) => e.name === name)!;
  const names = new ResourceNames(env);
  const others = environments.filter((e) => e !== env);
  const personasOf = (e: typeof env) => {
    const n = new ResourceNames(e);
    const r = (purpose: string) => n.roleArn(n.lakeRole(purpose));
    return { ingestion: [r('delivery'), r('ingestion')], validator: [r('validator')], transform: [r('transform')], gate: [r('gate')], publish: [r('publish')], analyst: [...e.principals.analysts], ml: [...e.principals.dataScientists], auditor: [...e.principals.auditors] };
  };
  return {
    environment: env.name,
    accountId: env.account.id,
    personas: personasOf(env),
    admins: [names.deployRoleArn],
    readOnlyAdmins: [names.planRoleArn],
    deployRoleArn: names.deployRoleArn,
    catalog,
    otherEnvironments: others.map((o) => {
      const n = new ResourceNames(o);
      return {
        environment: o.name,
        accountId: o.account.id,
        principals: [...Object.values(personasOf(o)).flat(), n.deployRoleArn, n.planRoleArn],
        locations: (['landing', 'trusted', 'curated'] as const).map((z) => n.bucketArn(z)),
      };
    }),
  };
}

describe('the governed lakehouse stacks', () => {
  for (const env of environments.map((e) => e.name)) {
    it(`${env}: every governance invariant holds against the environment config`, () => {
      const s = stackForEnvironment(outdir, env);
      const outcomes = runGovernanceChecks(GOVERNANCE_CHECKS, readSynthesizedStack(s.file), s.stack, contextOf(env));
      expect(outcomes.filter((o) => o.status !== 'compliant')).toEqual([]);
    });
  }

  it('every governance invariant holds against what the stacks record (what `stedi grants check` runs)', () => {
    const result = checkGrantsIn(outdir, catalog);
    expect([result.violations, result.message]).toEqual([0, '']);
    expect(result.outcomes.map((s) => s.stack)).toEqual(['stedi-dev-lakehouse', 'stedi-prod-lakehouse']);
  });

  it('the persona roles the config derives are the ones the stack grants to', () => {
    for (const env of environments.map((e) => e.name)) {
      const record = stackForEnvironment(outdir, env).model.record!;
      const expected = contextOf(env).personas;
      for (const p of PERSONAS) expect([p, [...record.personas[p]].sort()]).toEqual([p, [...expected[p]].sort()]);
    }
  });

  it('the registration role and everything else LakeGovernance adds pass the security checks of stacks/checks', () => {
    const results = runSecurityChecks(synthesizedApp(outdir, environments, null));
    expect(results.filter((r) => r.status === 'non-compliant')).toEqual([]);
  });
});

describe('a change of grant reads as a diff', () => {
  it('analysts given PII columns in prod: the diff lists each PII column granted, nothing revoked, and dev is untouched', () => {
    const policy = JSON.parse(JSON.stringify(loadGrantsPolicy('prod')));
    policy.personas.analyst.tables[0].includePii = true;
    const head = synthGovernedApp(undefined, { prod: policy }).outdir;
    const analyst = '| analyst | `arn:aws:iam::222222222222:role/stedi-prod-analyst` |';
    expect(diffGrantsBetween(outdir, head, 'md')).toBe(
      [
        '# Lake Formation grants: changes',
        '',
        '## prod (`stedi-prod-lakehouse`)',
        '',
        '8 granted, 0 revoked; **20 PII column grants added**.',
        '',
        '### Granted (8)',
        '',
        '| persona | principal | permission | zone | resource | columns |',
        '| --- | --- | --- | --- | --- | --- |',
        `${analyst} DESCRIBE | trusted | stedi_prod_trusted.accelerometer_trusted | **user (PII)** |`,
        `${analyst} SELECT | trusted | stedi_prod_trusted.accelerometer_trusted | **user (PII)** |`,
        `${analyst} DESCRIBE | trusted | stedi_prod_trusted.customer_trusted | **customername (PII)**, **email (PII)**, **phone (PII)**, **birthday (PII)** |`,
        `${analyst} SELECT | trusted | stedi_prod_trusted.customer_trusted | **customername (PII)**, **email (PII)**, **phone (PII)**, **birthday (PII)** |`,
        `${analyst} DESCRIBE | curated | stedi_prod_curated.customer_curated | **customername (PII)**, **email (PII)**, **phone (PII)**, **birthday (PII)** |`,
        `${analyst} SELECT | curated | stedi_prod_curated.customer_curated | **customername (PII)**, **email (PII)**, **phone (PII)**, **birthday (PII)** |`,
        `${analyst} DESCRIBE | curated | stedi_prod_curated.machine_learning_curated | **user (PII)** |`,
        `${analyst} SELECT | curated | stedi_prod_curated.machine_learning_curated | **user (PII)** |`,
      ].join('\n') + '\n',
    );

    // The committed document changes exactly where a reviewer looks: the analyst's summary row and table rows.
    const before = renderGrantsForEnvironment(outdir, 'prod').split('\n');
    const after = renderGrantsForEnvironment(head, 'prod').split('\n');
    expect(lineDiff(before, after)).toEqual([
      [
        '| analyst | `arn:aws:iam::222222222222:role/stedi-prod-analyst` | trusted, curated | — | — | none | no |',
        '| trusted | stedi_prod_trusted | accelerometer_trusted | DESCRIBE, SELECT | no | 4 of 5 · no PII · without: user |',
        '| trusted | stedi_prod_trusted | customer_trusted | DESCRIBE, SELECT | no | 6 of 10 · no PII · without: customername, email, phone, birthday |',
        '| curated | stedi_prod_curated | customer_curated | DESCRIBE, SELECT | no | 6 of 10 · no PII · without: customername, email, phone, birthday |',
        '| curated | stedi_prod_curated | machine_learning_curated | DESCRIBE, SELECT | no | 6 of 7 · no PII · without: user |',
      ],
      [
        '| analyst | `arn:aws:iam::222222222222:role/stedi-prod-analyst` | trusted, curated | — | — | 10 columns | no |',
        '| trusted | stedi_prod_trusted | accelerometer_trusted | DESCRIBE, SELECT | no | all 5 · PII: user |',
        '| trusted | stedi_prod_trusted | customer_trusted | DESCRIBE, SELECT | no | all 10 · PII: customername, email, phone, birthday |',
        '| curated | stedi_prod_curated | customer_curated | DESCRIBE, SELECT | no | all 10 · PII: customername, email, phone, birthday |',
        '| curated | stedi_prod_curated | machine_learning_curated | DESCRIBE, SELECT | no | all 7 · PII: user |',
      ],
    ]);
  });
});
