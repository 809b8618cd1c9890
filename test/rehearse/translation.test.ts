// The rehearsal runs the synthesized definition: only Distributed Maps are translated (into a Task
// bound to a local Map Run that keeps the Map's fields), every other state is identical to the
// synthesized one, Tasks are bound by their Resource (a renamed state still binds), and the one
// correction the interpreter gets (States.StringSplit) is Step Functions' behaviour.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AthenaStandIn } from '../../src/rehearse/athena-stand-in';
import { AwsEndpoint } from '../../src/rehearse/aws-endpoint';
import { isDistributedMap, LOCAL_MAP_RUN_RESOURCE, statesByPath, translateDefinition } from '../../src/rehearse/distributed-map-translation';
import { ExecutionsStandIn } from '../../src/rehearse/executions-stand-in';
import { GlueCatalogStandIn } from '../../src/rehearse/glue-catalog-stand-in';
import { LakeFormationStandIn } from '../../src/rehearse/lake-formation-stand-in';
import { LocalS3, LocalS3Error } from '../../src/rehearse/local-s3';
import { RehearsalConfigError } from '../../src/rehearse/rehearsal-config-error';
import { awsStringSplit, interpreter } from '../../src/rehearse/state-machine-interpreter';
import type { AslDefinition, AslState } from '../../src/rehearse/synthesized-lakehouse';
import { bindTasks, type BoundServices } from '../../src/rehearse/task-bindings';
import { loadSynthesizedLakehouse } from '../../src/rehearse/synthesized-lakehouse';
import { loadCatalog } from '../../src/catalog/registry';
import { AWS_RUN_ID_PATTERN } from '../../src/catalog/run-layout';
import { STATE } from '../../stacks/orchestration/pipeline-definition';
import { tempDir } from '../support/tmp';
import { synthOut } from './rehearsal-fixtures';

function synthesizedDefinition(env: string): AslDefinition {
  const json = JSON.parse(readFileSync(join(synthOut(), 'stacks', `stedi-${env}-lakehouse`, 'cdk.tf.json'), 'utf8'));
  return JSON.parse(String(Object.values(json.resource.aws_sfn_state_machine as Record<string, { definition: string }>)[0].definition)) as AslDefinition;
}

const datasets = loadCatalog().datasets.map((d) => d.dataset);

/** The Parallel that validates landing, and the branch and Distributed Map of each dataset. */
function validationMaps(d: AslDefinition): { dataset: string; branch: number; path: string; map: AslState }[] {
  const branches = d.States[STATE.validate].Branches as AslDefinition[];
  return branches.map((b, i) => {
    const dataset = datasets.find((x) => b.StartAt === STATE.validateDataset(x))!;
    return { dataset, branch: i, path: `${STATE.validate} > branch ${i + 1} > ${STATE.validateDataset(dataset)}`, map: b.States[b.StartAt] };
  });
}

/** A state without the states nested in it (a Parallel's branches, a Map's processor keep every other field). */
function shell(state: AslState): unknown {
  const strip = ({ States: _states, ...rest }: AslDefinition) => rest;
  if (state.Type === 'Parallel') return { ...state, Branches: (state.Branches as AslDefinition[]).map(strip) };
  for (const key of ['ItemProcessor', 'Iterator'] as const) if (state[key]) return { ...state, [key]: strip(state[key] as AslDefinition) };
  return state;
}

/** Services that must never be called: binding only looks at the definition. */
const unused = new Proxy({}, { get: () => () => { throw new Error('not called when binding'); } });
const services = { lambdas: unused, glueJobs: unused, topics: unused, executions: unused, mapRun: () => async () => null } as unknown as BoundServices;

describe('the translation of the synthesized definition', () => {
  it.each(['dev', 'prod'])('%s: every state but the Distributed Maps is the synthesized one, byte for byte', (env) => {
    const original = synthesizedDefinition(env);
    const { definition, maps } = translateDefinition(original);
    // One Distributed Map per dataset, each in its own branch of the validation Parallel.
    expect(maps.map((m) => [m.name, m.within])).toEqual(datasets.map((d) => [STATE.validateDataset(d), [STATE.validate]]));
    const before = statesByPath(original);
    const after = statesByPath(definition);
    for (const m of maps) statesByPath(m.processor, `${validationMaps(original).find((v) => v.map === m.state)!.path} > `).forEach((s, p) => after.set(p, s));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    // Each state compared on its own fields: the states of its branches or processor are compared by their own paths.
    const changed = [...before].filter(([path, s]) => JSON.stringify(shell(after.get(path)!)) !== JSON.stringify(shell(s))).map(([p]) => p);
    expect(changed.sort()).toEqual(validationMaps(original).map((v) => v.path).sort());
    const { StartAt, Comment } = definition;
    expect({ StartAt, Comment }).toEqual({ StartAt: original.StartAt, Comment: original.Comment });
  });

  it('each Distributed Map becomes a Task of the local Map Run that keeps its input, output, retry, catch and transition, in its branch', () => {
    const original = synthesizedDefinition('dev');
    const { definition, maps } = translateDefinition(original);
    const kept = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'];
    for (const { branch, map } of validationMaps(original)) {
      expect(isDistributedMap(map)).toBe(true);
      const name = (original.States[STATE.validate].Branches as AslDefinition[])[branch].StartAt;
      const task = (definition.States[STATE.validate].Branches as AslDefinition[])[branch].States[name];
      expect(task).toEqual({
        Type: 'Task',
        Resource: LOCAL_MAP_RUN_RESOURCE,
        TimeoutSeconds: 2147483,
        ...Object.fromEntries(kept.filter((k) => k in map).map((k) => [k, map[k]])),
      });
      // The Map Run gets the Map as synthesized, and the processor without its mode.
      const { ProcessorConfig, ...processor } = map.ItemProcessor as AslDefinition & { ProcessorConfig: unknown };
      expect(ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      const translated = maps.find((m) => m.name === name)!;
      expect(translated.state).toBe(map);
      expect(translated.processor).toEqual(processor);
    }
  });

  it('refuses what it cannot carry out faithfully, naming the state and the field', () => {
    const d = structuredClone(synthesizedDefinition('dev'));
    const [first] = validationMaps(d);
    const map = first.map as Record<string, any>;
    map.ItemReader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV' }, Parameters: { Bucket: 'b', Key: 'k' } };
    map.Retry = [{ ErrorEquals: ['States.TaskFailed'] }];
    (d.States[STATE.publish] as Record<string, unknown>).HeartbeatSeconds = 60;
    (d as Record<string, unknown>).QueryLanguage = 'JSONata';
    let message = '';
    try {
      translateDefinition(d);
    } catch (e) {
      expect(e).toBeInstanceOf(RehearsalConfigError);
      message = (e as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      '  - the definition: QueryLanguage',
      `  - ${first.path}: ItemReader arn:aws:states:::s3:getObject (the local Map Run lists objects with s3:listObjectsV2 only)`,
      `  - ${first.path}: ItemReader.ReaderConfig.InputType`,
      `  - ${first.path}: Retry on States.TaskFailed (it would match differently once the Map runs as a Task)`,
      `  - ${STATE.publish}: HeartbeatSeconds (the interpreter implements JSONPath states without variables, heartbeats or credentials)`,
    ]);
  });
});

describe('the synthesized lakehouse', () => {
  it('is synthesized first when asked, and then holds the same definition as npm run synth writes', async () => {
    const into = join(tempDir(), 'synth');
    const l = await loadSynthesizedLakehouse('dev', { synthesize: true, synthDir: into });
    expect([l.origin, l.file]).toEqual(['synthesized', join(into, 'stacks', 'stedi-dev-lakehouse', 'cdk.tf.json')]);
    expect(l.stateMachine.definition).toEqual(synthesizedDefinition('dev'));
    // Every Lambda with the variables the stack sets, every Glue job with its script's arguments.
    expect(l.functions.map((f) => [f.name, Object.keys(f.environment).sort()])).toEqual([
      ['stedi-dev-gate', ['STEDI_ARTIFACTS_BUCKET', 'STEDI_ATHENA_WORKGROUP', 'STEDI_CURATED_BUCKET', 'STEDI_DATABASES', 'STEDI_TRUSTED_BUCKET']],
      ['stedi-dev-publish', ['STEDI_ARTIFACTS_BUCKET', 'STEDI_CURATED_BUCKET', 'STEDI_DATABASES', 'STEDI_TRUSTED_BUCKET']],
      ['stedi-dev-validator', ['STEDI_ACCOUNT_ID', 'STEDI_DATABASES', 'STEDI_QUARANTINE_BUCKET', 'STEDI_TRUSTED_BUCKET']],
    ]);
    for (const j of l.jobs) {
      expect(Object.keys(j.defaultArguments)).toEqual(expect.arrayContaining(['--table', '--sql_location', '--inputs', '--output_table', '--output_columns', '--enable-glue-datacatalog']));
    }
    // What Lake Formation's credential vending depends on: the zone buckets registered, full-table access for external engines.
    expect(l.lakeFormation).toEqual({
      registeredLocations: expect.arrayContaining(['landing', 'trusted', 'curated'].map((z) => `arn:aws:s3:::stedi-dev-${z}-111111111111`)),
      allowFullTableExternalDataAccess: true,
    });
    expect(l.executionInput).toBe('{}');
  });
});

describe('binding Tasks by their Resource', () => {
  /** The definition with every state renamed, transitions and all. */
  function renamed(d: AslDefinition): AslDefinition {
    const to = (n: string) => `Renamed ${n}`;
    const walk = (def: AslDefinition): AslDefinition => ({
      ...def,
      StartAt: to(def.StartAt),
      States: Object.fromEntries(
        Object.entries(def.States).map(([n, s]) => {
          const c: Record<string, any> = { ...s };
          if (c.Next) c.Next = to(c.Next);
          if (c.Default) c.Default = to(c.Default);
          if (c.Choices) c.Choices = c.Choices.map((x: { Next: string }) => ({ ...x, Next: to(x.Next) }));
          if (c.Catch) c.Catch = c.Catch.map((x: { Next: string }) => ({ ...x, Next: to(x.Next) }));
          if (c.ItemProcessor) c.ItemProcessor = walk(c.ItemProcessor);
          if (c.Branches) c.Branches = c.Branches.map(walk);
          return [to(n), c as AslState];
        }),
      ),
    });
    return walk(d);
  }

  it('a renamed state binds to the same thing: names in the definition are never looked up', () => {
    const original = translateDefinition(synthesizedDefinition('dev'));
    const moved = translateDefinition(renamed(synthesizedDefinition('dev')));
    const a = bindTasks(original.definition, original.maps, services).bindings;
    const b = bindTasks(moved.definition, moved.maps, services).bindings;
    expect(b.map((x) => [x.state, x.resource, x.binding])).toEqual(a.map((x) => [`Renamed ${x.state}`, x.resource, x.binding]));
    expect(new Set(a.map((x) => x.resource))).toEqual(
      new Set(['arn:aws:states:::aws-sdk:sfn:listExecutions', LOCAL_MAP_RUN_RESOURCE, 'arn:aws:states:::lambda:invoke', 'arn:aws:states:::glue:startJobRun.sync', 'arn:aws:states:::sns:publish']),
    );
  });

  it('a Task whose Resource nothing binds stops the rehearsal before it starts, naming the state', () => {
    const d = structuredClone(synthesizedDefinition('dev'));
    d.States[STATE.publish] = { ...d.States[STATE.publish], Resource: 'arn:aws:states:::dynamodb:putItem' };
    const t = translateDefinition(d);
    expect(() => bindTasks(t.definition, t.maps, services)).toThrow(new RegExp(`no local binding for these Task resources:\\n  - ${STATE.publish}: arn:aws:states:::dynamodb:putItem\\n`));
  });
});

describe('the interpreter', () => {
  it('splits strings as Step Functions does (the AWS docs example), where the shipped interpreter would not', async () => {
    const definition = { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'parts.$': 'States.StringSplit($.text, $.by)' }, End: true } } };
    const input = { text: 'This.is+a,test=string', by: '.+,=' };
    expect(awsStringSplit(input.text, input.by)).toEqual(['This', 'is', 'a', 'test', 'string']);
    expect(awsStringSplit('a--b-', '-')).toEqual(['a', 'b']);
    const corrected = await new (interpreter().StateMachine)(definition as never).run(input as never).result;
    expect(corrected).toEqual({ parts: ['This', 'is', 'a', 'test', 'string'] });
    const shipped = await new (require('aws-local-stepfunctions').StateMachine)(definition).run(input).result;
    expect(shipped).toEqual({ parts: ['This.is+a,test=string'] });
  });

  it('names the run as the synthesized states do in AWS: start time to the millisecond and 8 hex digits', async () => {
    const d = synthesizedDefinition('dev');
    const first = d.States[STATE.nameRunStart];
    const { Next: _next, ...second } = d.States[STATE.nameRun];
    const machine = new (interpreter().StateMachine)({ StartAt: 'a', States: { a: { ...first, Next: 'b' }, b: { ...second, End: true } } } as never);
    const out = (await machine.run({} as never).result) as { runId: string };
    expect(out.runId).toMatch(AWS_RUN_ID_PATTERN);
  });
});

describe('the local stand-ins refuse what S3 would', () => {
  it('a checksum that does not match the bytes: BadDigest, nothing stored', async () => {
    const s3 = new LocalS3(join(tempDir(), 's3'));
    s3.createBucket('stedi-dev-trusted-111111111111');
    const glue = new GlueCatalogStandIn(join(tempDir(), 'glue.json'), '111111111111');
    const athena = new AthenaStandIn(glue, s3, [], 'eu-west-1');
    const endpoint = new AwsEndpoint({ s3, glue, athena, lakeFormation: new LakeFormationStandIn(glue, { registeredLocations: [], allowFullTableExternalDataAccess: false }, 'eu-west-1', '111111111111') });
    const client = new S3Client({ endpoint: await endpoint.start(), region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, forcePathStyle: true });
    try {
      await client.send(new PutObjectCommand({ Bucket: 'stedi-dev-trusted-111111111111', Key: 'runs/a.json', Body: '{"a":1}' }));
      expect(s3.read('stedi-dev-trusted-111111111111', 'runs/a.json').toString()).toBe('{"a":1}');
      await expect(client.send(new PutObjectCommand({ Bucket: 'stedi-dev-trusted-111111111111', Key: 'runs/b.json', Body: '{"a":1}', ChecksumCRC32: 'AAAAAA==' }))).rejects.toMatchObject({ name: 'BadDigest' });
      expect(s3.list('stedi-dev-trusted-111111111111').map((o) => o.key)).toEqual(['runs/a.json']);
    } finally {
      client.destroy();
      await endpoint.stop();
      await athena.close();
    }
  });

  it('a key it cannot keep as a file is refused, never stored under another name', () => {
    const s3 = new LocalS3(join(tempDir(), 's3'));
    s3.createBucket('stedi-dev-landing-111111111111');
    for (const key of ['customer/../escape.json', 'customer//a.json', 'customer/']) {
      expect(() => s3.put('stedi-dev-landing-111111111111', key, 'x')).toThrow(LocalS3Error);
    }
    s3.put('stedi-dev-landing-111111111111', 'customer/ä [1] *.json', 'x');
    s3.put('stedi-dev-landing-111111111111', 'customer/.partial-1.json', 'y');
    expect(s3.list('stedi-dev-landing-111111111111').map((o) => o.key)).toEqual(['customer/.partial-1.json', 'customer/ä [1] *.json']);
  });

  it('ListExecutions counts a rehearsal whose process is gone as aborted, not running', () => {
    const arn = 'arn:aws:states:eu-west-1:111111111111:stateMachine:stedi-dev-pipeline';
    const file = join(tempDir(), 'executions.json');
    const x = new ExecutionsStandIn(file, arn);
    x.start({ executionArn: `${arn}:a`, name: 'a', startDate: 1 });
    const entries = JSON.parse(readFileSync(file, 'utf8'));
    entries.push({ ...entries[0], executionArn: `${arn}:gone`, name: 'gone', pid: 2 ** 22 + 12345, startDate: 2 });
    require('node:fs').writeFileSync(file, JSON.stringify(entries));
    expect(x.listExecutions({ StateMachineArn: arn, StatusFilter: 'RUNNING' }).Executions.map((e) => e.Name)).toEqual(['a']);
    expect(() => x.listExecutions({ StateMachineArn: `${arn}-other` })).toThrow(/State Machine Does Not Exist/);
  });
});
