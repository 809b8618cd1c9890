// Builds the checks' context from the governance records of synthesized stacks (when no environment config is at hand).
import type { Catalog } from '../../../src/catalog/registry';
import type { CheckContext, ForeignEnvironment } from './governance-check';
import type { LakeFormationModel } from '../../../src/governance/lake-formation-model';
import { PERSONAS, type Persona } from '../../../src/governance/vocabulary';

export class CheckContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckContextError';
  }
}

/** What one environment's stack says about itself, as a foreign environment for the others. */
export function foreignEnvironmentOf(model: LakeFormationModel): ForeignEnvironment {
  const r = model.record;
  return {
    environment: r?.environment ?? model.stack,
    accountId: r?.accountId ?? model.accountId ?? '',
    principals: [...new Set([...Object.values(r?.personas ?? {}).flat(), ...(r?.admins ?? []), ...(r?.readOnlyAdmins ?? []), ...model.settings.flatMap((s) => [...s.admins, ...s.readOnlyAdmins])])],
    locations: [...new Set([...Object.values(r?.zoneLocations ?? {}).flat(), ...model.registrations.map((x) => x.arn)])],
  };
}

/**
 * The context recorded by LakeGovernance in the stack (personas, admins with the deploy role first,
 * account), with every other governed stack as a foreign environment. Checks against the
 * environment config are stronger (the record is written by the same code it checks); this is
 * what `stedi grants check` can do from cdktf.out alone.
 */
export function checkContextFromRecords(model: LakeFormationModel, others: readonly LakeFormationModel[], catalog?: Catalog): CheckContext {
  const r = model.record;
  if (!r) throw new CheckContextError(`${model.stack}: no governance record (local stedi_lake_governance); is LakeGovernance in this stack?`);
  const missing = PERSONAS.filter((p) => !r.personas[p]);
  if (missing.length) throw new CheckContextError(`${model.stack}: the governance record does not list the personas ${missing.join(', ')}`);
  return {
    environment: r.environment ?? model.stack,
    accountId: r.accountId ?? model.accountId ?? '',
    personas: Object.fromEntries(PERSONAS.map((p) => [p, r.personas[p]])) as Record<Persona, readonly string[]>,
    admins: r.admins,
    readOnlyAdmins: r.readOnlyAdmins ?? [],
    deployRoleArn: r.admins[0] ?? '',
    catalog,
    otherEnvironments: others.filter((o) => o !== model).map(foreignEnvironmentOf),
  };
}
