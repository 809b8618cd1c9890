// The AWS provider of an environment's stack: it refuses any account but the environment's own
// (allowed_account_ids), tags everything it creates, and assumes the environment's role.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { TerraformStack } from 'cdktf';
import { PROJECT_TAG, type EnvironmentProviderProps } from './environment-provider-props';

export function configureAwsProvider(stack: TerraformStack, props: EnvironmentProviderProps): AwsProvider {
  const { env, stackName } = props;
  return new AwsProvider(stack, 'aws', {
    region: env.account.region,
    allowedAccountIds: [env.account.id],
    ...(props.assumeRoleArn ? { assumeRole: [{ roleArn: props.assumeRoleArn, sessionName: stackName }] } : {}),
    defaultTags: [{ tags: { project: PROJECT_TAG, environment: env.name, stack: stackName, 'managed-by': 'cdktf' } }],
  });
}
