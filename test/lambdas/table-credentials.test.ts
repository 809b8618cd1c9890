// The validator reaches zone data through Lake Formation: credentials vended for the dataset's
// landing table to read, for its staging copy to write; quarantine with its own role. The requests
// it makes to Lake Formation and which credentials each S3 call uses are our side of the boundary.
import { gzipSync } from 'node:zlib';
import { GetTemporaryGlueTableCredentialsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { TableAccessError, tableCredentials, type VendedCredentials } from '../../src/lambdas/table-credentials';
import { createValidator, lakeFormationZoneData } from '../../src/lambdas/validator';
import { body, readAll, testCatalog } from './lambda-fixtures';

const catalog = testCatalog();
const lf = mockClient(LakeFormationClient);
const RUN = '20240102T030405123Z-0a1b2c3d';
const databases = { landing: 'stedi_dev_landing', trusted: 'stedi_dev_trusted', curated: 'stedi_dev_curated', staging: 'stedi_dev_staging' };

/** An S3 client that records which vended credentials each call used. */
function recordingS3(calls: string[], onGet: (key: string) => { Body: unknown; ContentLength: number }) {
  return (c: VendedCredentials) =>
    ({
      send: async (cmd: GetObjectCommand | PutObjectCommand) => {
        calls.push(`${c.accessKeyId} ${cmd.constructor.name} ${cmd.input.Bucket}/${cmd.input.Key}`);
        if (cmd instanceof GetObjectCommand) return onGet(cmd.input.Key!);
        await readAll((cmd as PutObjectCommand).input.Body);
        return {};
      },
    }) as unknown as S3Client;
}

let vended = 0;
beforeEach(() => {
  lf.reset();
  vended = 0;
  lf.on(GetTemporaryGlueTableCredentialsCommand).callsFake((input) => {
    vended++;
    const table = String(input.TableArn).split('/').slice(-2).join('.');
    return { AccessKeyId: `AKIA-${table}-${input.Permissions.join('')}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) };
  });
});

describe('Lake Formation table credentials', () => {
  it('asks for one table\'s credentials with the permission it needs, no column filtering claimed, and reuses them until near expiry', async () => {
    let now = 1_000_000;
    lf.on(GetTemporaryGlueTableCredentialsCommand).callsFake(() => ({ AccessKeyId: `AKIA${++vended}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3600_000) }));
    const clients: string[] = [];
    const credentials = tableCredentials({
      lakeFormation: new LakeFormationClient({}),
      region: 'eu-west-1',
      accountId: '111111111111',
      now: () => now,
      s3For: (c) => {
        clients.push(c.accessKeyId);
        return {} as S3Client;
      },
    });
    await credentials('stedi_dev_staging', 'customer_landing', 'INSERT', RUN);
    await credentials('stedi_dev_staging', 'customer_landing', 'INSERT', RUN);
    expect(lf.commandCalls(GetTemporaryGlueTableCredentialsCommand).map((c) => c.args[0].input)).toEqual([
      { TableArn: 'arn:aws:glue:eu-west-1:111111111111:table/stedi_dev_staging/customer_landing', Permissions: ['INSERT'], DurationSeconds: 3600 },
    ]);
    // Another run points the staging table elsewhere: new credentials; so does nearing the expiry.
    await credentials('stedi_dev_staging', 'customer_landing', 'INSERT', 'another-run');
    now += 3600_000 - 60_000;
    await credentials('stedi_dev_staging', 'customer_landing', 'INSERT', RUN);
    expect(clients).toEqual(['AKIA1', 'AKIA2', 'AKIA3']);
  });

  it('says which table Lake Formation refused and where to look', async () => {
    lf.on(GetTemporaryGlueTableCredentialsCommand).rejects(Object.assign(new Error('Insufficient Lake Formation permission(s) on customer_landing'), { name: 'AccessDeniedException' }));
    const credentials = tableCredentials({ lakeFormation: new LakeFormationClient({}), region: 'eu-west-1', accountId: '111111111111' });
    await expect(credentials('stedi_dev_landing', 'customer_landing', 'SELECT', 'published')).rejects.toThrow(
      new TableAccessError(
        "Lake Formation refused SELECT credentials for stedi_dev_landing.customer_landing (AccessDeniedException: Insufficient Lake Formation permission(s) on customer_landing); check the role's grants in docs/grants/ and that the table's location is registered",
      ),
    );
  });

  it('lets the validator read landing with the landing table\'s credentials and write the run\'s records with its staging copy\'s; quarantine with its own role', async () => {
    const calls: string[] = [];
    const customer = {
      customerName: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '5551234',
      birthDay: '1990-01-02',
      serialNumber: '2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d',
      registrationDate: 1655564376361,
      lastUpdateDate: 1655564376361,
      shareWithResearchAsOfDate: 1655564376361,
    };
    const text = [JSON.stringify(customer), 'not json'].join('\n');
    const zoneData = lakeFormationZoneData(catalog, {
      lakeFormation: new LakeFormationClient({}),
      region: 'eu-west-1',
      accountId: '111111111111',
      databases,
      s3For: recordingS3(calls, () => ({ Body: body(gzipSync(text)), ContentLength: 10 })),
    });
    const own = mockClient(S3Client);
    own.on(PutObjectCommand).callsFake(async (input) => {
      calls.push(`role ${input.Bucket}/${input.Key}`);
      await readAll(input.Body);
      return {};
    });
    const validate = createValidator({ s3: new S3Client({}), catalog, trustedBucket: 'stedi-dev-trusted', quarantineBucket: 'stedi-dev-quarantine', zoneData });
    const result = await validate({ bucket: 'stedi-dev-landing', key: 'customer/customer-1.json.gz', runId: RUN });
    own.restore();

    expect([result.read, result.valid, result.quarantined]).toEqual([2, 1, 1]);
    expect(calls.map((c) => c.replace(/[0-9a-f]{16}/, '<id>'))).toEqual([
      'AKIA-stedi_dev_landing.customer_landing-SELECT GetObjectCommand stedi-dev-landing/customer/customer-1.json.gz',
      `AKIA-stedi_dev_staging.customer_landing-INSERT PutObjectCommand stedi-dev-trusted/validated/customer_landing/run_id=${RUN}/<id>.json.gz`,
      `role stedi-dev-quarantine/customer/run_id=${RUN}/<id>.jsonl`,
    ]);
    expect(vended).toBe(2);
  });
});
