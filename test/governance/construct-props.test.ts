// stacks/governance: every prop documents its default where it is declared, and the documented
// defaults are the constants the construct uses (STYLE.md, from AWS DSF).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { LAKE_GOVERNANCE_DEFAULTS } from '../../stacks/governance/lake-governance-props';
import { synthFakeEnvironment } from './fake-environment';

const DIR = resolve(__dirname, '..', '..', 'stacks', 'governance');

function props(file: string): { iface: string; prop: string; defaultText?: string }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { iface: string; prop: string; defaultText?: string }[] = [];
  sf.forEachChild((n) => {
    if (!ts.isInterfaceDeclaration(n)) return;
    for (const m of n.members) {
      if (!ts.isPropertySignature(m)) continue;
      const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === 'default');
      const text = tag ? (typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? '') : undefined;
      out.push({ iface: n.name.text, prop: (m.name as ts.Identifier).text, ...(text !== undefined ? { defaultText: text.trim() } : {}) });
    }
  });
  return out;
}

describe('stacks/governance props', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('-props.ts'));

  it('every construct of the folder has its props file beside it', () => {
    const constructs = readdirSync(DIR).filter((f) => /export class \w+ extends Construct\b/.test(readFileSync(join(DIR, f), 'utf8')));
    expect(constructs.sort()).toEqual(['lake-governance.ts', 'lake-registration-role.ts']);
    for (const c of constructs) expect(files).toContain(c.replace(/\.ts$/, '-props.ts'));
  });

  it('every prop documents its default', () => {
    const missing = files.flatMap((f) => props(join(DIR, f)).filter((p) => p.defaultText === undefined).map((p) => `${f}: ${p.iface}.${p.prop}`));
    expect(missing).toEqual([]);
  });

  it('the documented defaults are the constants the construct uses', () => {
    const documented = Object.fromEntries(props(join(DIR, 'lake-governance-props.ts')).filter((p) => p.iface === 'LakeGovernanceProps').map((p) => [p.prop, p.defaultText]));
    expect(documented.unclassifiedTablesArePii).toBe(String(LAKE_GOVERNANCE_DEFAULTS.unclassifiedTablesArePii));
    expect(documented.admins).toBe('- only the deploy role');
    expect(LAKE_GOVERNANCE_DEFAULTS.admins).toEqual([]);
    expect(documented.readOnlyAdmins).toBe('- none');
    expect(LAKE_GOVERNANCE_DEFAULTS.readOnlyAdmins).toEqual([]);
  });

  it('a stack that leaves the optional props out gets the documented defaults in its Terraform', () => {
    const json = synthFakeEnvironment('dev', { props: ({ admins: _a, readOnlyAdmins: _r, unclassifiedTablesArePii: _u, ...rest }) => rest });
    const settings = Object.values(json.resource!.aws_lakeformation_data_lake_settings)[0];
    expect([settings.admins, settings.read_only_admins]).toEqual([['arn:aws:iam::111111111111:role/stedi-dev-deploy'], []]);
    const dbPii = Object.values(json.resource!.aws_lakeformation_resource_lf_tag).filter((r) => r.database && (r.lf_tag as { value: string }[])[0].value === 'yes');
    expect(dbPii).toHaveLength(4);
  });
});
