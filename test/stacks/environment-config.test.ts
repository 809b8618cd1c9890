import { dev } from '../../config/environments/dev';
import { prod } from '../../config/environments/prod';
import {
  checkSeparation,
  EnvironmentConfigError,
  loadEnvironments,
  validateEnvironment,
} from '../../config/environments/load-environment';
import type { EnvironmentConfig } from '../../config/environments/environment-config';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
const copy = (c: EnvironmentConfig): Mutable<EnvironmentConfig> => JSON.parse(JSON.stringify(c));

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentConfigError);
    return (e as Error).message;
  }
  throw new Error('expected an EnvironmentConfigError');
}

describe('environment configs', () => {
  it('the committed dev and prod configs are valid and kept apart', () => {
    const envs = loadEnvironments(['customer', 'accelerometer', 'step_trainer']);
    expect(envs.map((e) => [e.name, e.account.id])).toEqual([
      ['dev', '111111111111'],
      ['prod', '222222222222'],
    ]);
  });

  // Each case: a mutation of the dev config and the exact message it must produce.
  const cases: { description: string; mutate: (c: Mutable<EnvironmentConfig>) => void; error: string }[] = [
    {
      description: 'an account id that is not 12 digits',
      mutate: (c) => (c.account.id = '12345'),
      error: 'dev.ts: /account/id must match pattern "^[0-9]{12}$" (got "12345")',
    },
    {
      description: 'a region that is no region',
      mutate: (c) => (c.account.region = 'Ireland'),
      error: 'dev.ts: /account/region must match pattern "^[a-z]{2}(-gov)?-[a-z]+-[0-9]$" (got "Ireland")',
    },
    {
      description: 'a missing deploy role',
      mutate: (c) => delete (c.deploy as Partial<typeof c.deploy>).roleName,
      error: 'dev.ts: /deploy/roleName is required',
    },
    {
      description: 'an unknown field (a typo of a known one)',
      mutate: (c) => ((c.retention as unknown as Record<string, number>).logsDays = 30),
      error: 'dev.ts: /retention has unknown field "logsDays"',
    },
    {
      description: 'a log retention CloudWatch does not accept',
      mutate: (c) => (c.retention.logDays = 10),
      error: 'dev.ts: /retention/logDays must be equal to one of the allowed values (got 10)',
    },
    {
      description: 'a bytes-scanned cutoff below Athena minimum',
      mutate: (c) => (c.thresholds.athenaBytesScannedCutoffPerQuery = 1000),
      error: 'dev.ts: /thresholds/athenaBytesScannedCutoffPerQuery must be >= 10000000 (got 1000)',
    },
    {
      description: 'a Lambda timeout over the 15 minutes Lambda allows',
      mutate: (c) => (c.thresholds.lambdaTimeoutSeconds = 901),
      error: 'dev.ts: /thresholds/lambdaTimeoutSeconds must be <= 900 (got 901)',
    },
    {
      description: 'a schedule expression EventBridge Scheduler cannot read',
      mutate: (c) => (c.schedule.expression = 'every day'),
      error: 'dev.ts: /schedule/expression must match pattern',
    },
    {
      description: 'an alert address that is no address',
      mutate: (c) => (c.notifications.emails = ['oncall']),
      error: 'dev.ts: /notifications/emails/0 must match format "email" (got "oncall")',
    },
    {
      description: 'a producer of another account (the prod account in the dev config)',
      mutate: (c) => (c.principals.producers = ['arn:aws:iam::222222222222:role/stedi-prod-website-export']),
      error:
        'dev.ts: /principals/producers/0 is in account 222222222222, not this environment\'s account 111111111111 (arn:aws:iam::222222222222:role/stedi-prod-website-export)',
    },
    {
      description: 'a streamed dataset the catalog does not have',
      mutate: (c) => (c.ingestion.streamedDatasets = ['heart_rate']),
      error: 'dev.ts: /ingestion/streamedDatasets/0 "heart_rate" is no landing dataset (customer, accelerometer, step_trainer)',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.description}, naming the field`, () => {
      const config = copy(dev);
      c.mutate(config);
      expect(message(() => validateEnvironment(config, 'dev.ts', ['customer', 'accelerometer', 'step_trainer']))).toContain(c.error);
    });
  }

  it('rejects two environments in one account', () => {
    const p = copy(prod);
    p.account.id = dev.account.id;
    expect(
      message(() =>
        checkSeparation([
          { source: 'dev.ts', config: dev },
          { source: 'prod.ts', config: p as EnvironmentConfig },
        ]),
      ),
    ).toBe('prod.ts: /account/id 111111111111 is also the account of dev.ts; each environment needs its own account');
  });

  it('lists every problem of a config at once', () => {
    const config = copy(dev);
    config.account.id = 'x';
    config.thresholds.glueWorkers = 0;
    expect(message(() => validateEnvironment(config, 'dev.ts')).split('\n')).toEqual([
      'dev.ts: /account/id must match pattern "^[0-9]{12}$" (got "x")',
      'dev.ts: /thresholds/glueWorkers must be >= 2 (got 0)',
    ]);
  });
});
