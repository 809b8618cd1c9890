// The limits a contract adds to its JSON Schema so that every record it accepts loads: derived from
// the DDL types, applied by ajv's contract and by the line acceptor alike.
import { loadCatalog } from '../../src/catalog/registry';
import { probeTable } from '../support/tables';
import { loadableLimits } from '../../src/pipeline/loadable-values';
import { BatchValidator } from '../../src/pipeline/record-batch';

const table = probeTable;

const PROBE_SCHEMA = {
  type: 'object',
  required: ['n'],
  properties: { n: { type: 'integer' }, b: { type: 'integer', minimum: 0 }, s: { type: 'string' } },
};
const PROBE_TABLE = table({ n: 'INT', b: 'BIGINT', s: 'STRING' });

describe('loadable limits', () => {
  it('bound each integer by its DDL type and the exact doubles, on the sides the schema leaves open', () => {
    expect(loadableLimits(PROBE_SCHEMA, PROBE_TABLE).map(({ property, type, min, max }) => ({ property, type, min, max }))).toEqual([
      { property: 'n', type: 'integer', min: -2147483648, max: 2147483647 },
      { property: 'b', type: 'integer', min: undefined, max: Number.MAX_SAFE_INTEGER },
      { property: 's', type: 'string', min: undefined, max: undefined },
    ]);
  });

  it('add no integer limit where the schema keeps values inside the type (step_trainer distanceFromObject)', () => {
    const ds = loadCatalog().datasets.find((d) => d.dataset === 'step_trainer')!;
    expect(loadableLimits(ds.schema, ds.table).map((l) => l.property)).toEqual(['sensorReadingTime', 'serialNumber']);
  });

  it('the contract quarantines an integer outside the INT column with a reason, and the line acceptor never takes it', () => {
    const v = new BatchValidator('probe', PROBE_SCHEMA, PROBE_TABLE);
    const lines = ['{"n":2147483647}', '{"n":2147483648}', '{"n":-2147483648}', '{"n":-2147483649}', '{"n":1,"b":9007199254740991}', '{"n":1,"b":9007199254740992}'];
    const r = v.check({ seq: 0, file: 'f.json', firstLine: 1, bytes: Buffer.from(lines.join('\n') + '\n'), fileStart: false });
    expect(r.quarantine.map((q) => [q.line, q.reasons])).toEqual([
      [2, ['field n must be <= 2147483647: the INT column holds no larger integer']],
      [4, ['field n must be >= -2147483648: the INT column holds no smaller integer']],
      [6, ['field b must be <= 9007199254740991 (2^53 - 1): a larger integer loses digits when read, so it cannot be loaded as sent']],
    ]);
    // Taken as they arrived: the integers inside INT (the acceptor leaves 16 digits to ajv anyway).
    expect(lines.filter((l) => v.accept!(Buffer.from(l), 0, l.length))).toEqual(['{"n":2147483647}', '{"n":-2147483648}']);
    expect(r.asArrived).toBe(2);
  });
});
