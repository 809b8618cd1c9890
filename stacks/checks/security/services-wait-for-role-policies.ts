// Every resource that hands a role of the stack to a service waits for that role's policies.
import type { Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { allResources, resources, resolveString, type Json, type Resource, type SynthesizedApp, type SynthesizedStack } from '../terraform-json';

/** Arguments by which a resource hands a role to the service that assumes it (Lambda's `role`, everything else's `role_arn`). */
const ROLE_ARGUMENT = /^(role|role_arn|execution_role_arn|service_role|service_role_arn|iam_role_arn)$/;

/** Types that define roles and policies themselves rather than handing a role over. */
const IAM_TYPE = /^aws_iam_/;

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[^}]*)?\}/g;

/** The addresses a value refers to (`${type.name...}`), data sources and locals left out. */
function referenced(value: Json | undefined): string[] {
  const out = new Set<string>();
  const walk = (v: Json | undefined) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(REFERENCE)) if (!['data', 'local', 'var'].includes(m[1])) out.add(`${m[1]}.${m[2]}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...out];
}

/** Every (argument path, value) of a body whose argument name hands a role over. */
function roleArguments(body: Json, path = ''): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  if (Array.isArray(body)) body.forEach((b, i) => out.push(...roleArguments(b, `${path}[${i}]`)));
  else if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      if (k === 'depends_on' || k === 'lifecycle') continue;
      const here = path ? `${path}.${k}` : k;
      if (ROLE_ARGUMENT.test(k) && typeof v === 'string') out.push({ path: here, value: v });
      else out.push(...roleArguments(v, here));
    }
  }
  return out;
}

/** The stack's aws_iam_role a value names, by reference or by its literal ARN; undefined for a role the stack does not create. */
function roleNamed(stack: SynthesizedStack, roles: readonly Resource[], value: string): Resource | undefined {
  const ref = /\$\{aws_iam_role\.([A-Za-z0-9_-]+)\./.exec(value);
  if (ref) return roles.find((r) => r.name === ref[1]);
  let arn = value;
  try {
    arn = resolveString(stack, value);
  } catch {
    return undefined;
  }
  const name = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  return name ? roles.find((r) => String(r.body.name) === name) : undefined;
}

/** The policies that give a role its permissions: inline policies and attachments naming it. */
function policiesOf(stack: SynthesizedStack, role: Resource): Resource[] {
  const names = (v: Json | undefined) => {
    const text = String(v ?? '');
    return text.includes(`\${aws_iam_role.${role.name}.`) || text === String(role.body.name);
  };
  return [...resources(stack, 'aws_iam_role_policy'), ...resources(stack, 'aws_iam_role_policy_attachment')].filter((p) => names(p.body.role));
}

function dependencyGraph(stack: SynthesizedStack): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const r of allResources(stack)) {
    const deps = new Set(referenced(r.body));
    for (const d of (r.body.depends_on as string[] | undefined) ?? []) deps.add(String(d).replace(/^\$\{|\}$/g, ''));
    graph.set(r.address, deps);
  }
  return graph;
}

function reaches(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return seen;
}

export const ServicesWaitForRolePolicies: SecurityCheck = {
  id: 'ServicesWaitForRolePolicies',
  source: 'first apply; aws/aws-cdk#26432',
  asserts: 'every resource that hands a role of the stack to a service (state machine, Lambda, Glue job, Firehose stream, IoT rule, schedule, Lake Formation registration) depends on that role\'s policies',
  reason:
    'Referring to a role\'s ARN makes Terraform wait for the role only, and its inline policy is created in parallel: a service that checks the role when it is handed over fails the first apply (CreateStateMachine with logging checks log delivery, aws/aws-cdk#26432; Firehose and IoT assume the role to validate), or runs once without its permissions.',
  remedy: 'Add the role\'s `ready` (the role and its policy, stacks/iam/lake-role.ts) to the resource\'s dependsOn.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const roles = resources(s, 'aws_iam_role');
      if (!roles.length) continue;
      const graph = dependencyGraph(s);
      for (const r of allResources(s).filter((x) => !IAM_TYPE.test(x.type))) {
        for (const arg of roleArguments(r.body)) {
          const role = roleNamed(s, roles, arg.value);
          if (!role) continue;
          applicable = true;
          const reached = reaches(graph, r.address);
          for (const p of policiesOf(s, role).filter((x) => !reached.has(x.address))) {
            findings.push({ stack: s.name, resource: r.address, detail: `hands role ${String(role.body.name)} to its service (${arg.path}) without waiting for its policy ${p.address}` });
          }
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
