// Governs an environment's lakehouse stack with Lake Formation: the one call the environment needs.
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';
import { GOVERNED_ZONES, type GovernedZone, type Persona } from '../../src/governance/vocabulary';
import type { LakeRole } from '../iam/lake-role';
import type { LakehouseStack } from '../lakehouse-stack';
import { governedTable } from './governed-tables';
import { LakeGovernance } from './lake-governance';
import { LakeRegistrationRole } from './lake-registration-role';

export interface GovernedLakehouse {
  readonly governance: LakeGovernance;
  readonly registrationRole: LakeRegistrationRole;
}

/**
 * Adds LakeGovernance (and the role Lake Formation registers locations with) to a lakehouse stack:
 * - personas, one per workload so that each holds only what its code calls: ingestion = the
 *   landing writer roles; validator = the validator function (reads landing, writes the run's
 *   validated records into staging); transform = the Glue job role (reads and writes the run's
 *   staging tables); gate = the gate function (stages the run's tables, audits every zone);
 *   publish = the publish function (re-points the trusted and curated tables); analyst, ml and
 *   auditor = the environment config's analysts, data scientists, auditors;
 * - admins: the deploy role; read-only admin: the plan role (speculative plans read every grant);
 * - every table of the catalog, published and staged; staging lives in the trusted and curated buckets.
 */
/** The principals of each persona in an environment's lakehouse (see governLakehouse). */
export function lakehousePersonas(stack: LakehouseStack, env: EnvironmentConfig): Record<Persona, readonly string[]> {
  return {
    ingestion: stack.ingestion.writerArns,
    validator: [stack.functions.validator.role.arn],
    transform: [stack.transforms.role.arn],
    gate: [stack.functions.gate.role.arn],
    publish: [stack.functions.publish.role.arn],
    analyst: env.principals.analysts,
    ml: env.principals.dataScientists,
    auditor: env.principals.auditors,
  };
}

/** The roles the lakehouse stack creates for its personas (the config's analysts, data scientists and auditors exist already). */
function workloadRoles(stack: LakehouseStack): LakeRole[] {
  const { ingestion, transforms, functions } = stack;
  return [ingestion.producerRole, ingestion.deliveryRole, transforms.role, functions.validator.role, functions.gate.role, functions.publish.role].filter((r): r is LakeRole => r !== undefined);
}

export function governLakehouse(stack: LakehouseStack, env: EnvironmentConfig, policy: GrantsPolicy = loadGrantsPolicy(env.name)): GovernedLakehouse {
  const { names, storage, glueCatalog } = stack;
  const buckets = storage.buckets;
  const registrationRole = new LakeRegistrationRole(stack, 'lake-registration', {
    names,
    readOnlyBuckets: [buckets.landing],
    readWriteBuckets: [buckets.trusted, buckets.curated],
    keyArn: stack.key.key.arn,
  });
  const databases = Object.fromEntries(
    GOVERNED_ZONES.map((z) => [z, { name: names.database(z), resource: glueCatalog.databases[z] }]),
  ) as Record<GovernedZone, { name: string; resource: (typeof glueCatalog.databases)[GovernedZone] }>;
  const governance = new LakeGovernance(stack, 'governance', {
    environment: env.name,
    accountId: env.account.id,
    databases,
    tables: glueCatalog.tables.map((t) => governedTable(t.database, t.def, t.resource)),
    zoneLocations: {
      landing: { bucket: buckets.landing },
      trusted: { bucket: buckets.trusted },
      curated: { bucket: buckets.curated },
      staging: [{ bucket: buckets.trusted }, { bucket: buckets.curated }],
    },
    registrationRoleArn: registrationRole.arn,
    deployRoleArn: names.deployRoleArn,
    readOnlyAdmins: [names.planRoleArn],
    personas: lakehousePersonas(stack, env),
    policy,
    // Lake Formation must be able to assume the registration role, with its policy, before it
    // registers anything; and a grant names a principal Lake Formation looks up, so the roles the
    // stack creates for its personas come first (the settings head the chain every grant is in).
    dependsOn: [...registrationRole.resources, ...workloadRoles(stack).map((r) => r.role)],
  });
  return { governance, registrationRole };
}
