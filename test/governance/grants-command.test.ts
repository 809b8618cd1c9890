import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import {
  GrantsCommandError,
  checkGrantsIn,
  diffGrantsBetween,
  effectiveAccessForStack,
  governedStacks,
  renderGrantsForEnvironment,
  renderGrantsForStack,
} from '../../src/governance/grants-command';
import { describeColumns, cell } from '../../src/governance/render-grants';
import { loadGrantsPolicy } from '../../src/governance/grants-policy';
import { GOVERNANCE_CHECKS } from '../../stacks/checks/governance-checks';
import { SynthesizedStackError } from '../../stacks/checks/terraform-json';
import { GOVERNANCE_LOCAL } from '../../src/governance/vocabulary';
import { roleArn, synthFakeApp } from './fake-environment';

const out = synthFakeApp();
const devFile = join(out, 'stacks', 'stedi-dev', 'cdk.tf.json');

describe('stedi grants: rendering', () => {
  it('finds the governed stacks of a cdktf.out folder and their environments', () => {
    expect(governedStacks(out).map((s) => [s.stack, s.environment])).toEqual([
      ['stedi-dev', 'dev'],
      ['stedi-prod', 'prod'],
    ]);
  });

  it('renders a stack file and an environment alike, naming the synthesized file as cdktf.out would', () => {
    const md = renderGrantsForStack(devFile, 'md');
    expect(md).toBe(renderGrantsForEnvironment(out, 'dev', 'md'));
    expect(md.split('\n').slice(0, 5)).toEqual([
      '# Lake Formation grants: dev',
      '',
      '<!-- Generated from the synthesized Terraform by `stedi grants --env dev`; do not edit by hand. See docs/grants/README.md. -->',
      '',
      'Effective access in stack `stedi-dev`, account `111111111111`, computed from the Lake Formation resources of the synthesized Terraform (`cdktf.out/stacks/stedi-dev/cdk.tf.json`): what would be applied, not what the policy file intends.',
    ]);
  });

  it('summarises each persona in one row: zones read and written, data locations, PII read, grant option', () => {
    const md = renderGrantsForEnvironment(out, 'dev', 'md');
    const row = (persona: string) => md.split('\n').find((l) => l.startsWith(`| ${persona} |`));
    expect(row('analyst')).toBe(`| analyst | \`${roleArn('dev', 'analyst')}\` | trusted, curated | — | — | none | no |`);
    expect(row('ingestion')).toBe(`| ingestion | \`${roleArn('dev', 'delivery')}\`<br>\`${roleArn('dev', 'producer')}\` | — | landing | landing | none | no |`);
    expect(md).toContain(
      `| trusted | stedi_dev_trusted | customer_trusted | DESCRIBE, SELECT | no | 6 of 10 · no PII · without: customername, email, phone, birthday |`,
    );
  });

  it('gives the zones of each registration and data location as a list, in zone order (staging shares the trusted and curated buckets)', () => {
    const a = effectiveAccessForStack(devFile);
    expect(a.registrations.map((r) => [r.location, r.zones])).toEqual([
      ['arn:aws:s3:::stedi-dev-landing-111111111111', ['landing']],
      ['arn:aws:s3:::stedi-dev-trusted-111111111111', ['trusted', 'staging']],
      ['arn:aws:s3:::stedi-dev-curated-111111111111', ['curated', 'staging']],
    ]);
    expect(a.principals.filter((p) => p.persona === 'publish').flatMap((p) => p.locations.map((l) => [l.location, l.zones]))).toEqual([
      ['arn:aws:s3:::stedi-dev-trusted-111111111111', ['trusted', 'staging']],
      ['arn:aws:s3:::stedi-dev-curated-111111111111', ['curated', 'staging']],
    ]);
  });

  it('renders JSON with the same effective access', () => {
    expect(JSON.parse(renderGrantsForStack(devFile, 'json'))).toEqual(JSON.parse(JSON.stringify(effectiveAccessForStack(devFile))));
  });

  it('describes column sets and escapes table cells', () => {
    const cols = [{ name: 'a', pii: false, permissions: ['SELECT'], grantable: [] }, { name: 'b', pii: true, permissions: ['SELECT'], grantable: [] }];
    expect(describeColumns(cols, { columnCount: 2 })).toBe('all 2 · PII: b');
    expect(describeColumns(cols.slice(0, 1), { columnCount: 2, allColumns: [{ name: 'a', pii: false }, { name: 'b', pii: true }] })).toBe('1 of 2 · no PII · without: b');
    expect([cell('a|b'), cell('')]).toEqual(['a\\|b', '—']);
  });

  it('says what to do when there is nothing to read or no such environment', () => {
    const empty = mkdtempSync(join(tmpdir(), 'stedi-empty-'));
    expect(() => governedStacks(empty)).toThrow(GrantsCommandError);
    expect(() => governedStacks(empty)).toThrow(`${join(empty, 'stacks')}: no synthesized stacks; run \`npm run synth\` first`);
    expect(() => renderGrantsForEnvironment(out, 'staging')).toThrow(`${out}: no synthesized stack governs environment staging; governed: dev (stedi-dev), prod (stedi-prod)`);
    expect(() => renderGrantsForStack(join(empty, 'stacks', 'x', 'cdk.tf.json'))).toThrow(/cannot read the synthesized stack \(ENOENT\); run `npm run synth` first/);
  });
});

describe('stedi grants diff and check', () => {
  it('reports no change between a synth output and itself', () => {
    expect(diffGrantsBetween(out, out)).toBe('No access changes.\n\nNo change of access in `stedi-dev`, `stedi-prod`.\n');
  });

  it('checks every governed stack and explains each violation', () => {
    expect(checkGrantsIn(out, loadCatalog()).violations).toBe(0);
    const policy = JSON.parse(JSON.stringify(loadGrantsPolicy('prod')));
    policy.personas.ml.tables[0].grantable = true;
    const wide = synthFakeApp({ prod: { policy } });
    const result = checkGrantsIn(wide, loadCatalog());
    expect(result.violations).toBe(1);
    expect(result.message.split('\n').slice(0, 2)).toEqual(['stedi-prod:', 'NoGrantableOutsideAdmins (issue 5; SECURITY-CHECKLIST 19):']);
    expect(result.message).toContain(`  - ml ${roleArn('prod', 'ml')}: may grant DESCRIBE, SELECT to others`);
  });

  it('fails closed: a stack the manifest lists whose cdk.tf.json is missing is an error naming the file, not a stack to skip', () => {
    const copy = mkdtempSync(join(tmpdir(), 'stedi-grants-missing-'));
    cpSync(out, copy, { recursive: true });
    const missing = join(copy, 'stacks', 'stedi-prod', 'cdk.tf.json');
    rmSync(missing);
    expect(() => checkGrantsIn(copy, loadCatalog())).toThrow(new SynthesizedStackError(`${missing}: cannot read the synthesized stack (ENOENT); run \`npm run synth\` first`));
  });

  it('fails closed: a governed stack without the governance record the checks compare with fails every check, naming what is missing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'stedi-grants-record-'));
    cpSync(out, copy, { recursive: true });
    const file = join(copy, 'stacks', 'stedi-prod', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.locals[GOVERNANCE_LOCAL];
    writeFileSync(file, JSON.stringify(json));
    const result = checkGrantsIn(copy, loadCatalog());
    const prod = result.outcomes.find((s) => s.stack === 'stedi-prod')!;
    expect(prod.outcomes.map((o) => o.status)).toEqual(GOVERNANCE_CHECKS.map(() => 'non-compliant'));
    expect(prod.outcomes[0].findings).toEqual([
      { resource: 'stedi-prod', detail: 'the checks have nothing to compare with: stedi-prod: no governance record (local stedi_lake_governance); is LakeGovernance in this stack?' },
    ]);
    expect(result.violations).toBe(GOVERNANCE_CHECKS.length);
    expect(result.message.split('\n').slice(0, 3)).toEqual(['stedi-prod:', `${GOVERNANCE_CHECKS[0].id} (${GOVERNANCE_CHECKS[0].source}):`, `  - stedi-prod: ${prod.outcomes[0].findings[0].detail}`]);
  });
});
