// Props of LakeGovernance: what an environment stack hands over to govern its lake with Lake Formation.
import type { ITerraformDependable } from 'cdktf';
import type { GrantsPolicy } from '../../src/governance/grants-policy';
import type { GovernedZone, Persona, StagedZone } from '../../src/governance/vocabulary';

/** A zone's Glue database. */
export interface GovernedDatabase {
  /**
   * The database name as Glue knows it.
   * @default - none (required)
   */
  readonly name: string;
  /**
   * The resource that creates the database; tag assignments wait for it, and it waits for the
   * data lake settings (so it is created without IAMAllowedPrincipals defaults).
   * @default - no dependency (the database exists before this stack applies)
   */
  readonly resource?: ITerraformDependable;
}

export interface GovernedColumn {
  /**
   * The column name as ddl/ spells it (tagged in lower case, as Glue stores it).
   * @default - none (required)
   */
  readonly name: string;
  /**
   * True for personal data (`COMMENT 'pii: ...'` in ddl/): the column is tagged `pii=yes`.
   * @default - none (required)
   */
  readonly pii: boolean;
}

/** A Glue table to classify with LF-tags. */
export interface GovernedTable {
  /**
   * The zone whose database holds the table (staging for staged copies).
   * @default - none (required)
   */
  readonly zone: GovernedZone;
  /** @default - none (required) */
  readonly name: string;
  /** @default - none (required) */
  readonly columns: readonly GovernedColumn[];
  /**
   * For a staging table: the zone of the table it is the staged copy of, tagged `staged_from`, so
   * that grants can reach the copies of one zone only (the validator writes landing's).
   * @default - no `staged_from` tag: grants that name staged zones never reach the table
   */
  readonly stagedFrom?: StagedZone;
  /**
   * The resource that creates the table; its tag assignments wait for it.
   * @default - no dependency
   */
  readonly resource?: ITerraformDependable;
}

/** A bucket: an `S3Bucket`, or any object with the bucket's ARN. */
export interface ZoneBucket {
  /** @default - none (required) */
  readonly arn: string;
}

/** Where a zone's data lives in S3. */
export interface ZoneLocation {
  /**
   * The zone's bucket. Zones that share a bucket pass the same object: locations are compared by
   * bucket object (or by ARN when it is a literal), since every read of `S3Bucket.arn` is a new token.
   * @default - none (required)
   */
  readonly bucket: ZoneBucket;
  /**
   * Key prefix inside the bucket, without leading or trailing slash.
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

export interface LakeGovernanceProps {
  /**
   * Environment name (e.g. `dev`); recorded in the synthesized stack for the grants document.
   * @default - none (required)
   */
  readonly environment: string;
  /**
   * The account every principal must belong to; a principal ARN of another account fails synth.
   * ARNs that are tokens (resolved at apply) are not checked here; the invariant tests check the
   * synthesized Terraform.
   * @default - none (required)
   */
  readonly accountId: string;
  /**
   * The Glue database of each zone.
   * @default - none (required)
   */
  readonly databases: Readonly<Record<GovernedZone, GovernedDatabase>>;
  /**
   * The tables to classify, e.g. `governedTablesFromCatalog(loadCatalog())`.
   * @default - none (required)
   */
  readonly tables: readonly GovernedTable[];
  /**
   * The S3 location(s) of each zone: one, or several when a zone's tables live in more than one
   * place (e.g. staging copies in the trusted and curated buckets). Each distinct location is
   * registered once; a location inside another is covered by that registration and only gets its
   * own data location grants.
   * @default - none (required)
   */
  readonly zoneLocations: Readonly<Record<GovernedZone, ZoneLocation | readonly ZoneLocation[]>>;
  /**
   * The custom role Lake Formation assumes to reach registered locations. Never the
   * service-linked role: it cannot be scoped or audited like our own (AWS LF best practices).
   * @default - none (required)
   */
  readonly registrationRoleArn: string;
  /**
   * The role Terraform runs as; always made a data lake admin so it can grant.
   * @default - none (required)
   */
  readonly deployRoleArn: string;
  /**
   * Further data lake admins. The settings resource replaces the whole admin list
   * (terraform-provider-aws#25134): anyone not listed here loses admin on apply.
   * @default - only the deploy role
   */
  readonly admins?: readonly string[];
  /**
   * Read-only data lake admins, e.g. the plan role, so that speculative plans can read every grant.
   * Listed for the same reason as the admins: the settings resource clears whom it omits.
   * @default - none
   */
  readonly readOnlyAdmins?: readonly string[];
  /**
   * The principals (role ARNs) of each persona: one, or several (e.g. every analyst role). No
   * principal may belong to two personas or be an admin. An empty list gives the persona nothing.
   * @default - none (required)
   */
  readonly personas: Readonly<Record<Persona, string | readonly string[]>>;
  /**
   * The environment's grants policy (`loadGrantsPolicy(env)`).
   * @default - none (required)
   */
  readonly policy: GrantsPolicy;
  /**
   * Tag every zone database `pii=yes`, so that a table nobody classified (e.g. one created at
   * run time in staging) is treated as personal data: grants without PII never reach it.
   * Classified tables override it with `pii=no`.
   * @default true
   */
  readonly unclassifiedTablesArePii?: boolean;
  /**
   * Full-table access for engines outside Lake Formation's integrated services: the Glue 5.0 jobs
   * (AWS Glue guide, "Using AWS Glue with AWS Lake Formation for Full Table Access") and a Lambda
   * calling GetTemporaryGlueTableCredentials. They get credentials only for a table whose every
   * column the caller is granted; a grant without PII columns gives none.
   * @default true
   */
  readonly allowFullTableExternalDataAccess?: boolean;
  /**
   * Resources everything here waits for, e.g. the registration role's policy (the settings head
   * the chain, so every tag, registration and grant waits too).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * The Data Catalog to govern.
   * @default - the catalog of the provider's account
   */
  readonly catalogId?: string;
}

/** The documented defaults, imported by the tests so docs and code cannot drift. */
export const LAKE_GOVERNANCE_DEFAULTS = {
  unclassifiedTablesArePii: true,
  allowFullTableExternalDataAccess: true,
  admins: [] as readonly string[],
  readOnlyAdmins: [] as readonly string[],
} as const;

/** One principal or several, as a list. */
export function principalsOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}
