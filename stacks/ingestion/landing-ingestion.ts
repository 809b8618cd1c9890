// The ingestion path, the only writer of the landing zone: a role producers assume to drop batch
// files into their dataset's folder (never to read or delete), and for each streamed dataset an
// IoT topic rule feeding a Firehose stream that delivers gzip NDJSON into the dataset's folder.
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { IotTopicRule } from '@cdktf/provider-aws/lib/iot-topic-rule';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { Construct } from 'constructs';
import { landingPrefix } from '../../src/catalog/run-layout';
import { LakeRole } from '../iam/lake-role';
import { EncryptedLogGroup } from '../observability/encrypted-log-group';
import { INGESTION_ROLE_PURPOSES, STREAM_ERRORS_PREFIX, type LandingIngestionProps } from './landing-ingestion-props';

export interface DeliveryStream {
  readonly dataset: string;
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly rule: IotTopicRule;
  readonly topic: string;
}

export class LandingIngestion extends Construct {
  /** Assumed by producers to write batch files; absent when the environment lists no producer. */
  readonly producerRole?: LakeRole;
  /** Firehose's role; absent when no dataset is streamed. */
  readonly deliveryRole?: LakeRole;
  readonly streams: readonly DeliveryStream[];
  /** Every principal that may put landing objects. */
  readonly writerArns: readonly string[];

  /**
   * The principals LandingIngestion will create to write landing, known before it is built (the
   * landing bucket's policy names them, and the bucket comes first).
   */
  static writers(props: Pick<LandingIngestionProps, 'names' | 'catalog' | 'ingestion' | 'producers'>): string[] {
    const streamed = props.ingestion.streamedDatasets;
    const batch = props.catalog.datasets.filter((d) => !streamed.includes(d.dataset));
    return [
      ...(props.producers.length && batch.length ? [props.names.roleArn(props.names.lakeRole(INGESTION_ROLE_PURPOSES.producers))] : []),
      ...(streamed.length ? [props.names.roleArn(props.names.lakeRole(INGESTION_ROLE_PURPOSES.delivery))] : []),
    ];
  }

  constructor(scope: Construct, id: string, props: LandingIngestionProps) {
    super(scope, id);
    const { names, catalog, key } = props;
    const streamed = props.ingestion.streamedDatasets;
    const batch = catalog.datasets.map((d) => d.dataset).filter((d) => !streamed.includes(d));
    const landing = props.landing.arn;
    const writers: string[] = [];

    if (props.producers.length && batch.length) {
      this.producerRole = new LakeRole(this, 'producer-role', {
        names,
        purpose: INGESTION_ROLE_PURPOSES.producers,
        description: `${names.prefix}: producers drop batch files into their landing folders`,
        principals: props.producers,
        statements: [
          // Large files go up in parts: CreateMultipartUpload, UploadPart and CompleteMultipartUpload
          // are s3:PutObject; a producer that gives up aborts, and a resuming one lists its parts.
          { sid: 'DropBatchFiles', actions: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'], resources: batch.map((d) => `${landing}/${landingPrefix(d)}*`) },
          {
            // A multipart upload to SSE-KMS needs kms:Decrypt as well: S3 decrypts the data key to
            // encrypt each part and to complete the upload (S3 user guide, "Multipart upload API and
            // permissions"). Only through S3: the role decrypts nothing else.
            sid: 'EncryptDroppedFiles',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [key.key.arn],
            conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${names.region}.amazonaws.com`] }],
          },
        ],
      });
      writers.push(this.producerRole.arn);
    }

    const streams: DeliveryStream[] = [];
    if (streamed.length) {
      const logGroups = streamed.map(
        (d) => new EncryptedLogGroup(this, `logs-${d}`, { name: names.logGroup('firehose', d), key: key.key, retentionDays: props.logRetentionDays }),
      );
      this.deliveryRole = new LakeRole(this, 'delivery-role', {
        names,
        purpose: INGESTION_ROLE_PURPOSES.delivery,
        description: `${names.prefix}: Firehose delivers streamed datasets into landing`,
        services: ['firehose.amazonaws.com'],
        trustConditions: [{ test: 'StringEquals', variable: 'sts:ExternalId', values: [names.account] }],
        statements: [
          { sid: 'FindLandingBucket', actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [landing] },
          {
            sid: 'DeliverStreamedFiles',
            actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
            resources: streamed.flatMap((d) => [`${landing}/${landingPrefix(d)}*`, `${landing}/${STREAM_ERRORS_PREFIX}${landingPrefix(d)}*`]),
          },
          {
            sid: 'EncryptDeliveredFiles',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [key.key.arn],
            conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${names.region}.amazonaws.com`, `firehose.${names.region}.amazonaws.com`] }],
          },
          { sid: 'WriteDeliveryLogs', actions: ['logs:PutLogEvents'], resources: logGroups.map((g) => `${names.logGroupArn(g.name)}:*`) },
        ],
      });
      writers.push(this.deliveryRole.arn);
      const iotRole = new LakeRole(this, 'iot-role', {
        names,
        purpose: 'iot-ingestion',
        description: `${names.prefix}: IoT rules put device readings into their Firehose streams`,
        services: ['iot.amazonaws.com'],
        trustConditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [names.account] }],
        statements: [{ sid: 'PutReadings', actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: streamed.map((d) => names.deliveryStreamArn(d)) }],
      });
      streamed.forEach((dataset, i) => {
        const logStream = new CloudwatchLogStream(this, `log-stream-${dataset}`, { name: 'delivery', logGroupName: logGroups[i].name, dependsOn: [logGroups[i].group] });
        const stream = new KinesisFirehoseDeliveryStream(this, `stream-${dataset}`, {
          name: names.deliveryStream(dataset),
          destination: 'extended_s3',
          serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.key.arn },
          extendedS3Configuration: {
            bucketArn: landing,
            roleArn: this.deliveryRole!.role.arn,
            prefix: `${landingPrefix(dataset)}!{timestamp:yyyy/MM/dd}/`,
            errorOutputPrefix: `${STREAM_ERRORS_PREFIX}${landingPrefix(dataset)}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
            bufferingInterval: props.ingestion.bufferSeconds,
            bufferingSize: props.ingestion.bufferMiB,
            compressionFormat: 'GZIP',
            // The validator reads `.json.gz` as gzip NDJSON.
            fileExtension: '.json.gz',
            kmsKeyArn: key.key.arn,
            cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroups[i].name, logStreamName: logStream.name },
          },
          // Firehose assumes the role when the stream is created, so its policy must be there.
          dependsOn: [props.landing.bucket, props.landing.policy, ...this.deliveryRole!.ready],
        });
        const topic = names.iotTopic(dataset);
        const rule = new IotTopicRule(this, `rule-${dataset}`, {
          name: names.iotRule(dataset),
          description: `${names.prefix}: ${dataset} readings from ${topic} into Firehose`,
          enabled: true,
          sql: `SELECT * FROM '${topic}'`,
          sqlVersion: '2016-03-23',
          // One reading per line: the landing files are NDJSON.
          firehose: [{ deliveryStreamName: stream.name, roleArn: iotRole.role.arn, separator: '\n' }],
          dependsOn: [...iotRole.ready],
        });
        streams.push({ dataset, stream, rule, topic });
      });
    }
    this.streams = streams;
    this.writerArns = writers;
    const planned = LandingIngestion.writers(props);
    if (planned.join() !== writers.join()) throw new Error(`landing writers ${writers.join(', ')} differ from the planned ${planned.join(', ')}`);
  }
}
