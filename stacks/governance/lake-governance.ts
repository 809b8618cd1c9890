// LakeGovernance: Lake Formation settings, registrations, LF-tags and tag-expression grants of one environment.
import { Construct } from 'constructs';
import { TerraformLocal, TerraformResource, Token, dependable, type ITerraformDependable } from 'cdktf';
import type { LakeformationDataLakeSettings } from '@cdktf/provider-aws/lib/lakeformation-data-lake-settings';
import type { LakeformationLfTag } from '@cdktf/provider-aws/lib/lakeformation-lf-tag';
import type { LakeformationPermissions } from '@cdktf/provider-aws/lib/lakeformation-permissions';
import type { LakeformationResource } from '@cdktf/provider-aws/lib/lakeformation-resource';
import type { LakeformationResourceLfTag } from '@cdktf/provider-aws/lib/lakeformation-resource-lf-tag';
import { compileGrants, type DataLocationGrantIntent, type GrantIntent } from '../../src/governance/compile-grants';
import type { GovernanceRecord } from '../../src/governance/lake-formation-model';
import {
  GOVERNANCE_LOCAL,
  GOVERNED_ZONES,
  PERSONAS,
  PII_NO,
  PII_TAG,
  PII_VALUES,
  PII_YES,
  STAGED_TAG,
  STAGED_ZONES,
  ZONE_TAG,
  isIamAllowedPrincipals,
  type Persona,
} from '../../src/governance/vocabulary';
import { revokeIamAllowedPrincipalDefaults } from './data-lake-settings';
import { grantByTagExpression, grantDataLocationAccess } from './grant-by-tag-expression';
import { LAKE_GOVERNANCE_DEFAULTS, principalsOf, type LakeGovernanceProps, type ZoneLocation } from './lake-governance-props';
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
 * 2. LF-tags `zone`, `pii` and `staged_from`; each zone database tagged with its zone (and
 *    `pii=yes` for unclassified tables), each classified table `pii=no`, its PII columns `pii=yes`,
 *    each staging table `staged_from=<zone>` of the table it is the staged copy of;
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
  /** `staged_from`: on each staging table, the zone of the table it is the staged copy of. */
  readonly stagedTag: LakeformationLfTag;
  readonly tagAssignments: readonly LakeformationResourceLfTag[];
  /** Registered locations, by location ARN. */
  readonly registrations: ReadonlyMap<string, LakeformationResource>;
  /**
   * Grants, by id: the grant intent id (e.g. `analyst-tables-trusted-curated-without-pii`), plus
   * the role name when a persona has several principals; location grants by persona and zones.
   */
  readonly grants: ReadonlyMap<string, LakeformationPermissions>;
  readonly intents: readonly GrantIntent[];
  /** The data lake admins, deploy role first. */
  readonly admins: readonly string[];
  readonly readOnlyAdmins: readonly string[];
  /** The last resource of the chain: depend on it to run after every grant. */
  readonly done: ITerraformDependable;

  constructor(scope: Construct, id: string, props: LakeGovernanceProps) {
    super(scope, id);
    this.admins = [...new Set([props.deployRoleArn, ...(props.admins ?? LAKE_GOVERNANCE_DEFAULTS.admins)])];
    this.readOnlyAdmins = [...new Set(props.readOnlyAdmins ?? LAKE_GOVERNANCE_DEFAULTS.readOnlyAdmins)];
    validateProps(props, this.admins, this.readOnlyAdmins);
    const catalog = props.catalogId !== undefined ? { catalogId: props.catalogId } : {};
    const unclassifiedArePii = props.unclassifiedTablesArePii ?? LAKE_GOVERNANCE_DEFAULTS.unclassifiedTablesArePii;

    let last: ITerraformDependable | undefined;
    const after = (...extra: (ITerraformDependable | undefined)[]): ITerraformDependable[] =>
      [last, ...extra].filter((d): d is ITerraformDependable => d !== undefined);
    const chain = <T extends ITerraformDependable>(r: T): T => {
      last = r;
      return r;
    };

    this.settings = chain(
      revokeIamAllowedPrincipalDefaults(this, 'settings', {
        admins: this.admins,
        readOnlyAdmins: this.readOnlyAdmins,
        allowFullTableExternalDataAccess: props.allowFullTableExternalDataAccess ?? LAKE_GOVERNANCE_DEFAULTS.allowFullTableExternalDataAccess,
        ...catalog,
        ...(props.dependsOn?.length ? { dependsOn: [...props.dependsOn] } : {}),
      }),
    );
    // Glue copies the account's create-table defaults into a database when it is created: created
    // after the settings, the databases (and their tables) carry no IAMAllowedPrincipals grant.
    for (const zone of GOVERNED_ZONES) {
      const resource = props.databases[zone].resource;
      if (resource instanceof TerraformResource) resource.dependsOn = [...(resource.dependsOn ?? []), dependable(this.settings)];
    }
    this.zoneTag = chain(createLfTag(this, 'tag-zone', ZONE_TAG, GOVERNED_ZONES, { ...catalog, dependsOn: after() }));
    this.piiTag = chain(createLfTag(this, 'tag-pii', PII_TAG, PII_VALUES, { ...catalog, dependsOn: after() }));
    this.stagedTag = chain(createLfTag(this, 'tag-staged', STAGED_TAG, STAGED_ZONES, { ...catalog, dependsOn: after() }));

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
      // Glue stores column names in lower case (as stacks/catalog writes them), and LF-tags name
      // columns as Glue stores them.
      const pii = t.columns.filter((c) => c.pii).map((c) => c.name.toLowerCase());
      if (pii.length) assignments.push(chain(tagPiiColumns(this, `pii-${id}`, db, t.name, pii, this.piiTag, { ...catalog, dependsOn: after() })));
      if (t.stagedFrom) assignments.push(chain(tagTable(this, `staged-${id}`, db, t.name, this.stagedTag, t.stagedFrom, { ...catalog, dependsOn: after() })));
    }
    this.tagAssignments = assignments;

    const locations = new ZoneLocations(props.zoneLocations, GOVERNED_ZONES);
    const registrations = new Map<string, LakeformationResource>();
    const registrationByKey = new Map<string, LakeformationResource>();
    for (const { arn, key, zones } of locations.registrations()) {
      const registration = chain(registerS3Location(this, `location-${zones.join('-')}`, { arn, roleArn: props.registrationRoleArn, dependsOn: after() }));
      registrations.set(arn, registration);
      registrationByKey.set(key, registration);
    }
    this.registrations = registrations;

    this.intents = compileGrants(props.policy);
    const grants = new Map<string, LakeformationPermissions>();
    const principals = personaPrincipals(props);
    for (const intent of this.intents) {
      if (intent.kind === 'tag-expression') {
        for (const { principal, suffix } of principals[intent.persona]) {
          const id = `${intent.id}${suffix}`;
          grants.set(
            id,
            chain(grantByTagExpression(this, `grant-${id}`, { principal, resourceType: intent.resourceType, expression: intent.expression, permissions: intent.permissions, grantable: intent.grantable, ...catalog, dependsOn: after() })),
          );
        }
      }
    }
    // Data location grants: one per persona principal and distinct location, named by the zones
    // it serves (a location shared by two zones, like a bucket holding curated and staged tables,
    // is granted once: two resources for one grant would revoke each other's on destroy).
    const locationIds = new Set<string>();
    for (const persona of PERSONAS) {
      const wanted = this.intents.filter((i): i is DataLocationGrantIntent => i.kind === 'data-location' && i.persona === persona);
      const byKey = new Map<string, { arn: string; zones: string[]; grantable: boolean }>();
      for (const intent of wanted) {
        for (const loc of locations.of(intent.zone)) {
          const entry = byKey.get(loc.key) ?? { arn: loc.arn, zones: [], grantable: false };
          entry.zones.push(intent.zone);
          entry.grantable ||= intent.grantable;
          byKey.set(loc.key, entry);
        }
      }
      for (const [key, loc] of byKey) {
        const registration = registrationByKey.get(locations.registrationOf(key))!;
        // Two locations serving the same zones (a zone with two buckets) are told apart by number.
        const named = `${persona}-location-${loc.zones.join('-')}`;
        let base = named;
        for (let n = 2; locationIds.has(base); n++) base = `${named}-${n}`;
        locationIds.add(base);
        for (const { principal, suffix } of principals[persona]) {
          const id = `${base}${suffix}`;
          grants.set(id, chain(grantDataLocationAccess(this, `grant-${id}`, { principal, locationArn: loc.arn, grantable: loc.grantable, ...catalog, dependsOn: after(registration) })));
        }
      }
    }
    this.grants = grants;
    this.done = last!;

    // Recorded in the synthesized stack (a Terraform local nothing reads) so that the grants
    // document can name each principal's persona and each location's zone without the config.
    const record: GovernanceRecord = {
      environment: props.environment,
      accountId: props.accountId,
      personas: Object.fromEntries(PERSONAS.map((p) => [p, principals[p].map((x) => x.principal)])),
      admins: this.admins,
      readOnlyAdmins: this.readOnlyAdmins,
      zoneLocations: Object.fromEntries(GOVERNED_ZONES.map((z) => [z, locations.of(z).map((l) => l.arn)])),
    };
    new TerraformLocal(this, 'record', record).overrideLogicalId(GOVERNANCE_LOCAL);
  }
}

/** Each persona's principals, with the id suffix their grants get (none when a persona has one principal). */
function personaPrincipals(props: LakeGovernanceProps): Record<Persona, { principal: string; suffix: string }[]> {
  const out = {} as Record<Persona, { principal: string; suffix: string }[]>;
  for (const persona of PERSONAS) {
    const list = principalsOf(props.personas[persona]);
    out[persona] = list.map((principal, i) => ({
      principal,
      suffix: list.length === 1 ? '' : `-${Token.isUnresolved(principal) ? `principal${i + 1}` : principal.replace(/^.*[:/]/, '')}`,
    }));
  }
  return out;
}

function validateProps(props: LakeGovernanceProps, admins: readonly string[], readOnlyAdmins: readonly string[]): void {
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
  readOnlyAdmins.forEach((a, i) => checkAccount(`readOnlyAdmins[${i}]`, a));
  checkAccount('registrationRoleArn', props.registrationRoleArn);
  if (props.policy.environment !== props.environment) {
    problems.push(`policy: is the ${props.policy.environment} policy, but the environment is ${props.environment}`);
  }
  const seen = new Map<string, Persona>();
  for (const persona of PERSONAS) {
    const list = principalsOf(props.personas[persona]);
    list.forEach((principal, i) => {
      const field = typeof props.personas[persona] === 'string' ? `personas.${persona}` : `personas.${persona}[${i}]`;
      if (isIamAllowedPrincipals(principal)) {
        problems.push(`${field}: IAMAllowedPrincipals hands access back to IAM; name the persona's role`);
        return;
      }
      checkAccount(field, principal);
      if (admins.includes(principal) || readOnlyAdmins.includes(principal)) {
        problems.push(
          `${field}: ${principal} is a data lake admin; admins hold every permission implicitly and must get no explicit grants ` +
            `(revoking them fails, terraform-provider-aws#35160). Give the ${persona} persona a role of its own.`,
        );
      }
      const other = seen.get(principal);
      if (other) problems.push(`${field}: ${principal} is also ${other === persona ? 'listed earlier for' : 'the'} ${other} persona; each persona needs its own role, or one would hold the other's access`);
      seen.set(principal, persona);
    });
  }
  for (const zone of GOVERNED_ZONES) {
    const value = props.zoneLocations[zone];
    const list = 'bucket' in value ? [value as ZoneLocation] : (value as readonly ZoneLocation[]);
    if (!list.length) problems.push(`zoneLocations.${zone}: names no location`);
    for (const loc of list) {
      const arn = loc.bucket.arn;
      if (known(arn) && !/^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$/.test(arn)) problems.push(`zoneLocations.${zone}: "${arn}" is not an S3 bucket ARN`);
    }
  }
  props.tables.forEach((t, i) => {
    if (!(GOVERNED_ZONES as readonly string[]).includes(t.zone)) problems.push(`tables[${i}] (${t.name}): zone "${t.zone}" is not one of ${GOVERNED_ZONES.join(', ')}`);
    if (t.stagedFrom !== undefined && t.zone !== 'staging') problems.push(`tables[${i}] (${t.name}): stagedFrom "${t.stagedFrom}" on a ${t.zone} table; only staging tables are staged copies`);
    if (t.stagedFrom !== undefined && !(STAGED_ZONES as readonly string[]).includes(t.stagedFrom)) problems.push(`tables[${i}] (${t.name}): stagedFrom "${t.stagedFrom}" is not one of ${STAGED_ZONES.join(', ')}`);
  });
  const dup = props.tables.map((t) => `${t.zone}.${t.name}`).filter((k, i, all) => all.indexOf(k) !== i);
  if (dup.length) problems.push(`tables: ${[...new Set(dup)].join(', ')} listed twice`);
  if (problems.length) throw new GovernanceConfigError(`LakeGovernance (${props.environment}):\n  ${problems.join('\n  ')}`);
}
