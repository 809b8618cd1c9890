// The rehearsal's stand-in for SNS: a topic per aws_sns_topic of the stack; a published message
// is checked as SNS checks it (an existing topic, a message, a subject of at most 100 printable
// ASCII characters on one line) and appended to <work>/sns/<topic>.jsonl instead of being
// delivered. What it cannot show: subscriptions, e-mail delivery, the topic's KMS key.
import { appendFileSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export interface PublishedAlert {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageId: string;
}

/** An error SNS answers Publish with (the state machine sees `SNS.<name>`). */
export class SnsError extends Error {
  constructor(name: 'NotFoundException' | 'InvalidParameterException', message: string) {
    super(message);
    this.name = name;
  }
}

/** SNS's limit on a message, in bytes. */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024;

export class AlertTopicsStandIn {
  readonly published: PublishedAlert[] = [];

  constructor(
    private readonly topics: readonly { readonly name: string; readonly arn: string }[],
    private readonly dir: string,
  ) {}

  publish(input: { TopicArn?: string; Message?: unknown; Subject?: unknown }): { MessageId: string } {
    const topic = this.topics.find((t) => t.arn === input.TopicArn);
    if (!topic) throw new SnsError('NotFoundException', `Topic does not exist: ${input.TopicArn} (the stack declares ${this.topics.map((t) => t.arn).join(', ') || 'none'})`);
    if (typeof input.Message !== 'string' || input.Message === '') throw new SnsError('InvalidParameterException', 'Invalid parameter: Message must be a non-empty string');
    if (Buffer.byteLength(input.Message) > SNS_MESSAGE_LIMIT_BYTES) throw new SnsError('InvalidParameterException', `Invalid parameter: Message too long (over ${SNS_MESSAGE_LIMIT_BYTES} bytes)`);
    if (input.Subject !== undefined) {
      if (typeof input.Subject !== 'string' || input.Subject.length === 0 || input.Subject.length > 100 || !/^[\x20-\x7e]+$/.test(input.Subject)) {
        throw new SnsError('InvalidParameterException', `Invalid parameter: Subject must be 1-100 printable ASCII characters without line breaks (got ${JSON.stringify(input.Subject)})`);
      }
    }
    const alert: PublishedAlert = { topicArn: topic.arn, ...(input.Subject !== undefined ? { subject: String(input.Subject) } : {}), message: input.Message, messageId: randomUUID() };
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(join(this.dir, `${topic.name}.jsonl`), JSON.stringify({ ...alert, publishedAt: new Date().toISOString() }) + '\n');
    this.published.push(alert);
    return { MessageId: alert.messageId };
  }
}
