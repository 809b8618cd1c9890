// The check context of a fake environment, built from its definition (as the environment config would give it), not from the stack.
import { loadCatalog } from '../../../src/catalog/registry';
import type { CheckContext } from '../../../stacks/checks/governance-checks';
import { PERSONAS } from '../../../src/governance/vocabulary';
import { FAKE_ACCOUNTS, fakePersonas, roleArn, type FakeEnv } from '../fake-environment';

const catalog = loadCatalog();

export function fakeContext(env: FakeEnv): CheckContext {
  const other: FakeEnv = env === 'dev' ? 'prod' : 'dev';
  return {
    environment: env,
    accountId: FAKE_ACCOUNTS[env],
    personas: fakePersonas(env),
    admins: [roleArn(env, 'deploy'), roleArn(env, 'platform-admin')],
    readOnlyAdmins: [roleArn(env, 'plan')],
    deployRoleArn: roleArn(env, 'deploy'),
    catalog,
    otherEnvironments: [
      {
        environment: other,
        accountId: FAKE_ACCOUNTS[other],
        principals: [...PERSONAS.flatMap((p) => fakePersonas(other)[p]), roleArn(other, 'deploy'), roleArn(other, 'platform-admin'), roleArn(other, 'plan')],
        locations: ['landing', 'trusted', 'curated'].map((z) => `arn:aws:s3:::stedi-${other}-${z}-${FAKE_ACCOUNTS[other]}`),
      },
    ],
  };
}
