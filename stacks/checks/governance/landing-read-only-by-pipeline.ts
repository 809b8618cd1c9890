// Issue 5: landing data is readable only by the pipeline's validator, transforms and gate.
import { EffectiveTags } from '../../../src/governance/effective-access';
import { LANDING_READERS, STAGED_TAG } from '../../../src/governance/vocabulary';
import type { Finding } from '../check';
import { who, type GovernanceCheck } from './governance-check';

/**
 * Landing data wherever it sits: tables of the landing zone, and staged copies of landing tables
 * (in staging, tagged staged_from=landing, or named as a landing table of ddl/), which hold
 * validated records before the consent filter.
 */
export const LandingReadOnlyByPipeline: GovernanceCheck = {
  id: 'LandingReadOnlyByPipeline',
  source: 'issue 5',
  reason: 'Landing holds every record as producers sent it, consent or not (staged copies too); only the validator that checks it, the Glue jobs that filter it by consent and the gate that audits it may read it.',
  remedy: 'Remove landing from the zones of every other persona\'s SELECT grant in config/grants/<env>.json (DESCRIBE alone is fine for auditors).',
  evaluate({ model, access }, context) {
    const readers = new Set(LANDING_READERS.flatMap((p) => context.personas[p]));
    const tags = new EffectiveTags(model);
    const landingTables = new Set([...(context.catalog?.tables.values() ?? [])].filter((t) => t.zone === 'landing').map((t) => t.name));
    // The tag holds without the catalog (`stedi grants check` on a synth output alone).
    const isLanding = (zone: string | undefined, database: string, table: string) =>
      zone === 'landing' || (zone === 'staging' && (landingTables.has(table) || tags.ofTable(database, table).get(STAGED_TAG) === 'landing'));
    const findings: Finding[] = [];
    for (const p of access.principals) {
      if (readers.has(p.principal)) continue;
      for (const t of p.tables.filter((x) => isLanding(x.zone, x.database, x.table))) {
        const cols = t.columns.filter((c) => c.permissions.includes('SELECT')).map((c) => c.name);
        const what = t.zone === 'staging' ? 'the staged copy of landing table' : 'landing table';
        if (cols.length) findings.push({ resource: who(context, p.principal), detail: `SELECT on ${what} ${t.database}.${t.table} (${cols.length} of ${t.columnCount} columns)` });
      }
    }
    return findings;
  },
};
