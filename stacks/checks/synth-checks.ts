// The checks `npm run synth` runs on what it just wrote: the security pack over the whole app and
// the governance pack over every governed stack, once each, with one message format and a summary
// line per pack. main.ts prints the result and marks the output failed on a violation.
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import type { Catalog } from '../../src/catalog/registry';
import { governedStacks } from '../../src/governance/grants-command';
import { describeViolations, unreadable } from './check';
import { checkGovernedStacks, governanceSummary, GOVERNANCE_CHECKS, type GovernanceChecksResult } from './governance-checks';
import { checkSynthOutput, securitySummary, SECURITY_CHECKS } from './security-checks';

export interface SynthChecks {
  /** The violations of both packs, as the developer reads them (empty when none). */
  readonly violations: readonly string[];
  /** One summary line per pack: security, then governance. */
  readonly summary: readonly [string, string];
}

/** Both packs over a synth output folder; an output they cannot read fails their checks. */
export function checkSynthesized(outdir: string, environments: readonly EnvironmentConfig[], catalog: Catalog): SynthChecks {
  const security = checkSynthOutput(outdir, environments);
  const governance = governanceOf(outdir, catalog);
  const securityMessage = describeViolations(SECURITY_CHECKS, security);
  return {
    violations: [securityMessage, governance.message].filter((m) => m.length),
    summary: [securitySummary(security), governanceSummary(governance)],
  };
}

function governanceOf(outdir: string, catalog: Catalog): GovernanceChecksResult {
  try {
    return checkGovernedStacks(governedStacks(outdir).map((s) => s.model), catalog);
  } catch (e) {
    const outcomes = unreadable(GOVERNANCE_CHECKS, { resource: outdir }, `the synth output could not be read: ${(e as Error).message}`);
    return { outcomes: [{ stack: '(app)', outcomes }], violations: outcomes.length, message: `(app):\n${describeViolations(GOVERNANCE_CHECKS, outcomes)}` };
  }
}
