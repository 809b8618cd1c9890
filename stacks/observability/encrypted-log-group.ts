// A CloudWatch log group created ahead of the service that writes it, so that it is encrypted with
// the environment's key and expires its events (a group a service creates itself has neither).
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';
import type { EncryptedLogGroupProps } from './encrypted-log-group-props';

export class EncryptedLogGroup extends Construct {
  readonly group: CloudwatchLogGroup;
  readonly name: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    this.name = props.name;
    this.group = new CloudwatchLogGroup(this, 'group', { name: props.name, kmsKeyId: props.key.arn, retentionInDays: props.retentionDays });
  }
}
