// Checklist #2: one Terraform Cloud workspace per stack and environment; no cross-workspace references.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, type SynthesizedApp } from '../terraform-json';

export const OneWorkspacePerStack: SecurityCheck = {
  id: 'OneWorkspacePerStack',
  ...checklistLine(2),
  asserts: 'each stack keeps its state in a Terraform Cloud workspace of its own, named after the stack, and reads no other workspace',
  reason: 'A shared workspace lets one environment\'s apply overwrite the other\'s state; remote-state reads and cross-stack outputs couple workspaces so a plan of one reaches into another (terraform-cdk#1534).',
  remedy: 'Configure the backend with configureStateBackend (stacks/environment/state-backend.ts); pass values between stacks through the environment config, never through outputs or terraform_remote_state.',
  evaluate(app: SynthesizedApp) {
    const clouds = app.stacks.filter((s) => s.json.terraform?.cloud !== undefined);
    if (!clouds.length) return 'not-applicable';
    const findings: Finding[] = [];
    const seen = new Map<string, string>();
    for (const stack of app.stacks) {
      const cloud = block(stack.json.terraform?.cloud);
      if (!cloud) {
        findings.push({ stack: stack.name, resource: 'terraform.backend', detail: 'keeps its state outside Terraform Cloud while other stacks of the app use it' });
        continue;
      }
      const ws = block(cloud.workspaces);
      const name = ws?.name;
      if (typeof name !== 'string') {
        findings.push({ stack: stack.name, resource: 'terraform.cloud', detail: 'selects workspaces by tags instead of naming one' });
        continue;
      }
      if (name !== stack.name) findings.push({ stack: stack.name, resource: 'terraform.cloud', detail: `workspace is "${name}", not the stack's name` });
      const other = seen.get(name);
      if (other) findings.push({ stack: stack.name, resource: 'terraform.cloud', detail: `workspace "${name}" is also the workspace of ${other}` });
      seen.set(name, stack.name);
      const env = app.environments.find((e) => e.stacks.includes(stack.name));
      if (env && !name.split('-').includes(env.name)) findings.push({ stack: stack.name, resource: 'terraform.cloud', detail: `workspace "${name}" does not name its environment ${env.name}` });
      if (stack.json.data?.terraform_remote_state) findings.push({ stack: stack.name, resource: 'data.terraform_remote_state', detail: 'reads another workspace\'s state' });
      const text = JSON.stringify(stack.json);
      if (/tfe_outputs|terraform_remote_state|cross-stack-output/.test(text)) {
        findings.push({ stack: stack.name, resource: '(stack)', detail: 'references another stack\'s outputs' });
      }
    }
    return findings;
  },
};
