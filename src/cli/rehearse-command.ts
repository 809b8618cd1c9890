// `stedi rehearse`: executes the synthesized Step Functions pipeline of an environment on this
// machine (src/rehearse/), prints the states it entered and the tables it published.
import { Command, Option } from 'commander';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../config/environments/environment-config';

export interface RehearseCommandDefaults {
  /** The landing folder `stedi run` reads by default. */
  readonly landing: string;
  /** Exit statuses: succeeded, failed at a gate or a task. */
  readonly exit: { readonly published: number; readonly blocked: number };
}

/** Where a rehearsal keeps its buckets, catalog, logs and executions unless told. */
export const DEFAULT_REHEARSAL_WORK = '.stedi/rehearsal';

export function registerRehearseCommand(program: Command, defaults: RehearseCommandDefaults): void {
  program
    .command('rehearse')
    .description('execute the synthesized Step Functions pipeline of an environment here: its Lambdas, Glue job contract and gates against local stand-ins of S3, Glue and Athena')
    .addOption(new Option('--env <env>', 'the environment whose synthesized lakehouse stack to rehearse').choices([...ENVIRONMENT_NAMES]).makeOptionMandatory())
    .option('--landing <dir>', 'landing folder delivered into the landing bucket (customer/, accelerometer/, step_trainer/)', defaults.landing)
    .option('--work <dir>', 'folder of the local buckets, Glue catalog, logs and executions (kept between rehearsals)', DEFAULT_REHEARSAL_WORK)
    .option('--out <dir>', 'synth output to read (default: cdktf.out, synthesized first when it holds no stack of the environment)')
    .option('--synth', 'synthesize the app now instead of reading a synth output')
    .option('--json', 'print the rehearsal as JSON: status, states, tables and more')
    .action(async (o: { env: EnvironmentName; landing: string; work: string; out?: string; synth?: boolean; json?: boolean }) => {
      // Loaded only when rehearsing: the stand-ins bring DuckDB, the interpreter and worker threads.
      // (require, not import(): the CLI runs through tsx's CommonJS loader.)
      const { rehearse } = require('../rehearse/rehearsal') as typeof import('../rehearse/rehearsal');
      const { rehearsalSummary } = require('./rehearsal-summary') as typeof import('./rehearsal-summary');
      const result = await rehearse({ environment: o.env, landing: o.landing, work: o.work, outDir: o.out, synthesize: Boolean(o.synth) });
      process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : rehearsalSummary(result) + '\n');
      process.exitCode = result.status === 'SUCCEEDED' ? defaults.exit.published : defaults.exit.blocked;
    });
}
