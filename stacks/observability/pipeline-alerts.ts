// The SNS topic that announces failed and blocked runs, encrypted with the environment's key.
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import type { PipelineAlertsProps } from './pipeline-alerts-props';

export class PipelineAlerts extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: PipelineAlertsProps) {
    super(scope, id);
    const { names } = props;
    this.arn = names.alertsTopicArn;
    this.topic = new SnsTopic(this, 'topic', { name: names.alertsTopic, kmsMasterKeyId: props.key.key.arn });
    (props.emails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    });
  }
}
