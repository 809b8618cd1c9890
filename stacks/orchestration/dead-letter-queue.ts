// The queue the pipeline Lambdas send events they could not process asynchronously to, encrypted
// with the environment's key and reachable over TLS only. (Step Functions invokes them
// synchronously; the queue catches any other asynchronous invocation, e.g. an operator's.)
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';
import { DEAD_LETTER_QUEUE_DEFAULTS, type DeadLetterQueueProps } from './dead-letter-queue-props';

export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const { names } = props;
    this.arn = names.deadLetterQueueArn;
    this.queue = new SqsQueue(this, 'queue', {
      name: names.deadLetterQueue,
      kmsMasterKeyId: props.key.key.arn,
      messageRetentionSeconds: props.retentionSeconds ?? DEAD_LETTER_QUEUE_DEFAULTS.retentionSeconds,
    });
    const policy = policyDocument(this, 'policy-document', [
      {
        sid: 'DenyRequestsWithoutTls',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['sqs:*'],
        resources: [this.arn],
        conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
    new SqsQueuePolicy(this, 'policy', { queueUrl: this.queue.url, policy: policy.json });
  }
}
