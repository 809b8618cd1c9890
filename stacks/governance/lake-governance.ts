// LakeGovernance: Lake Formation settings, registrations, LF-tags and tag-expression grants of one environment.
import { Construct } from 'constructs';
import { TerraformLocal, Token, type ITerraformDependable } from 'cdktf';
import type { LakeformationDataLakeSettings } from '@cdktf/provider-aws/lib/lakeformation-data-lake-settings';
import type { LakeformationLfTag } from '@cdktf/provider-aws/lib/lakeformation-lf-tag';
import type { LakeformationPermissions } from '@cdktf/provider-aws/lib/lakeformation-permissions';
import type { LakeformationResource } from '@cdktf/provider-aws/lib/lakeformation-resource';
import type { LakeformationResourceLfTag } from '@cdktf/provider-aws/lib/lakeformation-resource-lf-tag';
import { compileGrants, type GrantIntent } from '../../src/governance/compile-grants';
import type { GovernanceRecord } from '../../src/governance/lake-formation-model';
import {
  GOVERNANCE_LOCAL,
  GOVERNED_ZONES,
  PERSONAS,
  PII_NO,
  PII_TAG,
  PII_VALUES,
  PII_YES,
  ZONE_TAG,
  isIamAllowedPrincipals,
  type Persona,
} from '../../src/governance/vocabulary';
import { revokeIamAllowedPrincipalDefaults } from './data-lake-settings';
import { grantByTagExpression, grantDataLocationAccess } from './grant-by-tag-expression';
import { LAKE_GOVERNANCE_DEFAULTS, type LakeGovernanceProps } from './lake-governance-props';
import { createLfTag, tagDatabase, tagPiiColumns, tagTable } from './lf-tags';
import { ZoneLocations, registerS3Location } from './register-s3-location';

export class GovernanceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GovernanceConfigError';
  }
}

const ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * Governs an environment's lake with Lake Formation:
 * 1. data lake settings: every admin listed (the deploy role first), no IAMAllowedPrincipals defaults;
 * 2. LF-tags `zone` and `pii`; each zone database tagged with its zone (and `pii=yes` for
 *    unclassified tables), each classified table `pii=no`, its PII columns `pii=yes`;
 * 3. each distinct zone location registered with the custom role, hybrid access off;
 * 4. the grants policy compiled into tag-expression and data location grants per persona.
 *
 * Everything is applied in one dependency chain (settings, tags, assignments, registrations,
 * grants), so that tags exist before the grants that use them and no two Lake Formation calls run
 * in parallel: parallel grants fail with ConcurrentModificationException (AWS Lake Formation
 * troubleshooting guide; the API offers BatchGrantPermissions, which the provider does not use).
 */
export class LakeGovernance extends Construct {
  readonly settings: LakeformationDataLakeSettings;
  readonly zoneTag: LakeformationLfTag;
  readonly piiTag: LakeformationLfTag;
  readonly tagAssignments: readonly LakeformationResourceLfTag[];
  /** Registered locations, by location ARN. */
  readonly registrations: ReadonlyMap<string, LakeformationResource>;
  /** Grants, by grant intent id (e.g. `analyst-tables-trusted-curated-without-pii`). */
  readonly grants: ReadonlyMap<string, LakeformationPermissions>;
  readonly intents: readonly GrantIntent[];
  /** The data lake admins, deploy role first. */
  readonly admins: readonly string[];
  /** The last resource of the chain: depend on it to run after every grant. */
  readonly done: ITerraformDependable;

  constructor(scope: Construct, id: string, props: LakeGovernanceProps) {
    super(scope, id);
    this.admins = [...new Set([props.deployRoleArn, ...(props.admins ?? LAKE_GOVERNANCE_DEFAULTS.admins)])];
    validateProps(props, this.admins);
    const catalog = props.catalogId !== undefined ? { catalogId: props.catalogId } : {};
    const unclassifiedArePii = props.unclassifiedTablesArePii ?? LAKE_GOVERNANCE_DEFAULTS.unclassifiedTablesArePii;

    let last: ITerraformDependable | undefined;
    const after = (...extra: (ITerraformDependable | undefined)[]): ITerraformDependable[] =>
      [last, ...extra].filter((d): d is ITerraformDependable => d !== undefined);
    const chain = <T extends ITerraformDependable>(r: T): T => {
      last = r;
      return r;
    };

    this.settings = chain(revokeIamAllowedPrincipalDefaults(this, 'settings', { admins: this.admins, ...catalog }));
    this.zoneTag = chain(createLfTag(this, 'tag-zone', ZONE_TAG, GOVERNED_ZONES, { ...catalog, dependsOn: after() }));
    this.piiTag = chain(createLfTag(this, 'tag-pii', PII_TAG, PII_VALUES, { ...catalog, dependsOn: after() }));

    const assignments: LakeformationResourceLfTag[] = [];
    for (const zone of GOVERNED_ZONES) {
      const db = props.databases[zone];
      assignments.push(chain(tagDatabase(this, `zone-${zone}`, db.name, this.zoneTag, zone, { ...catalog, dependsOn: after(db.resource) })));
      if (unclassifiedArePii) {
        assignments.push(chain(tagDatabase(this, `unclassified-${zone}`, db.name, this.piiTag, PII_YES, { ...catalog, dependsOn: after() })));
      }
    }
    for (const t of props.tables) {
      const db = props.databases[t.zone].name;
      const id = `${t.zone}-${t.name}`;
      assignments.push(chain(tagTable(this, `classify-${id}`, db, t.name, this.piiTag, PII_NO, { ...catalog, dependsOn: after(t.resource) })));
      const pii = t.columns.filter((c) => c.pii).map((c) => c.name);
      if (pii.length) assignments.push(chain(tagPiiColumns(this, `pii-${id}`, db, t.name, pii, this.piiTag, { ...catalog, dependsOn: after() })));
    }
    this.tagAssignments = assignments;

    const locations = new ZoneLocations(props.zoneLocations, GOVERNED_ZONES);
    const registrations = new Map<string, LakeformationResource>();
    for (const { arn, zones } of locations.registrations()) {
      registrations.set(arn, chain(registerS3Location(this, `location-${zones.join('-')}`, { arn, roleArn: props.registrationRoleArn, dependsOn: after() })));
    }
    this.registrations = registrations;

    this.intents = compileGrants(props.policy);
    const grants = new Map<string, LakeformationPermissions>();
    for (const intent of this.intents) {
      const principal = props.personas[intent.persona];
      if (intent.kind === 'tag-expression') {
        grants.set(
          intent.id,
          chain(grantByTagExpression(this, `grant-${intent.id}`, { principal, resourceType: intent.resourceType, expression: intent.expression, permissions: intent.permissions, grantable: intent.grantable, ...catalog, dependsOn: after() })),
        );
      } else {
        const registration = registrations.get(locations.registrationOf(intent.zone))!;
        grants.set(
          intent.id,
          chain(grantDataLocationAccess(this, `grant-${intent.id}`, { principal, locationArn: locations.arn(intent.zone), grantable: intent.grantable, ...catalog, dependsOn: after(registration) })),
        );
      }
    }
    this.grants = grants;
    this.done = last!;

    // Recorded in the synthesized stack (a Terraform local nothing reads) so that the grants
    // document can name each principal's persona and each location's zone without the config.
    const record: GovernanceRecord = {
      environment: props.environment,
      accountId: props.accountId,
      personas: { ...props.personas },
      admins: this.admins,
      zoneLocations: Object.fromEntries(GOVERNED_ZONES.map((z) => [z, locations.arn(z)])),
    };
    new TerraformLocal(this, 'record', record).overrideLogicalId(GOVERNANCE_LOCAL);
  }
}

function validateProps(props: LakeGovernanceProps, admins: readonly string[]): void {
  const problems: string[] = [];
  const known = (s: string) => !Token.isUnresolved(s);
  const checkAccount = (field: string, arn: string) => {
    if (!known(arn)) return;
    const m = ARN_ACCOUNT.exec(arn);
    if (!m) problems.push(`${field}: "${arn}" is not an IAM ARN`);
    else if (m[1] !== props.accountId) problems.push(`${field}: "${arn}" belongs to account ${m[1]}, not this environment's ${props.accountId}`);
  };
  if (!/^\d{12}$/.test(props.accountId)) problems.push(`accountId: "${props.accountId}" is not a 12-digit account id`);
  checkAccount('deployRoleArn', props.deployRoleArn);
  (props.admins ?? []).forEach((a, i) => checkAccount(`admins[${i}]`, a));
  checkAccount('registrationRoleArn', props.registrationRoleArn);
  if (props.policy.environment !== props.environment) {
    problems.push(`policy: is the ${props.policy.environment} policy, but the environment is ${props.environment}`);
  }
  const seen = new Map<string, Persona>();
  for (const persona of PERSONAS) {
    const principal = props.personas[persona];
    const field = `personas.${persona}`;
    if (isIamAllowedPrincipals(principal)) {
      problems.push(`${field}: IAMAllowedPrincipals hands access back to IAM; name the persona's role`);
      continue;
    }
    checkAccount(field, principal);
    if (admins.includes(principal)) {
      problems.push(
        `${field}: ${principal} is a data lake admin; admins hold every permission implicitly and must get no explicit grants ` +
          `(revoking them fails, terraform-provider-aws#35160). Give the ${persona} persona a role of its own.`,
      );
    }
    const other = seen.get(principal);
    if (other) problems.push(`${field}: ${principal} is also the ${other} persona; each persona needs its own role, or one would hold the other's access`);
    seen.set(principal, persona);
  }
  for (const zone of GOVERNED_ZONES) {
    const arn = props.zoneLocations[zone].bucket.arn;
    if (known(arn) && !/^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$/.test(arn)) problems.push(`zoneLocations.${zone}.bucket.arn: "${arn}" is not an S3 bucket ARN`);
  }
  props.tables.forEach((t, i) => {
    if (!(GOVERNED_ZONES as readonly string[]).includes(t.zone)) problems.push(`tables[${i}] (${t.name}): zone "${t.zone}" is not one of ${GOVERNED_ZONES.join(', ')}`);
  });
  const dup = props.tables.map((t) => `${t.zone}.${t.name}`).filter((k, i, all) => all.indexOf(k) !== i);
  if (dup.length) problems.push(`tables: ${[...new Set(dup)].join(', ')} listed twice`);
  if (problems.length) throw new GovernanceConfigError(`LakeGovernance (${props.environment}):\n  ${problems.join('\n  ')}`);
}
