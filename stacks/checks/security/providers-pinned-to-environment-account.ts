// Checklist #1: every aws provider sets allowed_account_ids to its environment's account, default_tags,
// and (outside Terraform Cloud) assumes a role of that account.
import { DEFAULT_TAG_KEYS } from '../../environment/environment-provider-props';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { awsProviders, block, type SynthesizedApp } from '../terraform-json';

export const ProvidersPinnedToEnvironmentAccount: SecurityCheck = {
  id: 'ProvidersPinnedToEnvironmentAccount',
  ...checklistLine(1),
  asserts: "every aws provider allows only its environment's account, tags what it creates, and assumes a role of that account when it is not given one by Terraform Cloud",
  reason: 'A provider that is not pinned applies to whatever account the credentials reach; without default tags nobody can tell which environment owns a resource.',
  remedy: 'Create providers with configureAwsProvider (stacks/environment/environment-provider.ts) and the stack\'s environment config.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    for (const env of app.environments) {
      for (const name of env.stacks) {
        const stack = app.stacks.find((s) => s.name === name);
        if (!stack) {
          findings.push({ stack: name, resource: '(stack)', detail: `environment ${env.name} lists stack ${name}, which was not synthesized` });
          continue;
        }
        const providers = awsProviders(stack);
        if (!providers.length) findings.push({ stack: name, resource: 'provider.aws', detail: 'no aws provider' });
        const cloud = stack.json.terraform?.cloud !== undefined;
        providers.forEach((p, i) => {
          const at = `provider.aws[${i}]`;
          const ids = (p.allowed_account_ids as string[] | undefined) ?? [];
          if (ids.length !== 1 || ids[0] !== env.account) {
            findings.push({ stack: name, resource: at, detail: `allowed_account_ids is ${JSON.stringify(ids)}, not ["${env.account}"] (environment ${env.name})` });
          }
          if (p.forbidden_account_ids !== undefined) findings.push({ stack: name, resource: at, detail: 'uses forbidden_account_ids instead of an allow list' });
          if (p.region !== env.region) findings.push({ stack: name, resource: at, detail: `region is ${JSON.stringify(p.region)}, not ${env.region}` });
          const tags = (block(p.default_tags)?.tags ?? {}) as Record<string, string>;
          for (const key of DEFAULT_TAG_KEYS) if (!tags[key]) findings.push({ stack: name, resource: at, detail: `default_tags lack "${key}"` });
          if (tags.environment && tags.environment !== env.name) findings.push({ stack: name, resource: at, detail: `default_tags say environment ${tags.environment}, not ${env.name}` });
          const role = block(p.assume_role)?.role_arn;
          if (role !== undefined && String(role).split(':')[4] !== env.account) {
            findings.push({ stack: name, resource: at, detail: `assumes ${role}, a role of another account` });
          }
          if (role === undefined && !cloud) findings.push({ stack: name, resource: at, detail: 'assumes no role, and no Terraform Cloud workspace provides one' });
        });
      }
    }
    return findings;
  },
};
