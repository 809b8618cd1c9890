// A security check reads the whole synthesized app (every stack of both environments), so that
// properties across stacks and accounts (#23, #24) are checks like the others.
import { runCheck, type Check, type CheckOutcome, type CrashPlace } from '../check';
import type { SynthesizedApp } from '../terraform-json';

/** A security check states the property it asserts: the violation message leads with it. */
export type SecurityCheck = Check<[app: SynthesizedApp]> & { readonly asserts: string };

/** A security check that throws is reported against the app, not a stack. */
export const APP_PLACE: CrashPlace = { stack: '(app)', resource: '(check)' };

export function runSecurityCheck(check: SecurityCheck, app: SynthesizedApp): CheckOutcome {
  return runCheck(check, APP_PLACE, app);
}
