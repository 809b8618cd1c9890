// Property-based: records near the edges of the accelerometer contract, mutated in ways whose
// validity is known, must be judged as the mutation says; the quarantine and the accounting agree.
import fc from 'fast-check';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { validateDataset } from '../../src/pipeline/validate';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const accelerometer = catalog.datasets.find((d) => d.dataset === 'accelerometer')!;

type Mutation = { kind: string; valid: boolean; apply: (r: Record<string, unknown>) => void };

const field = fc.constantFrom('user', 'timestamp', 'x', 'y', 'z');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none', valid: true, apply: () => {} }),
  field.map((f): Mutation => ({ kind: `drop ${f}`, valid: false, apply: (r) => delete r[f] })),
  field.map((f): Mutation => ({ kind: `null ${f}`, valid: false, apply: (r) => (r[f] = null) })),
  field.map((f): Mutation => ({ kind: `array ${f}`, valid: false, apply: (r) => (r[f] = [r[f]]) })),
  fc.constantFrom('x', 'y', 'z').map((f): Mutation => ({ kind: `string ${f}`, valid: false, apply: (r) => (r[f] = String(r[f])) })),
  fc.constant<Mutation>({ kind: 'string timestamp', valid: false, apply: (r) => (r.timestamp = String(r.timestamp)) }),
  fc.integer({ min: -(2 ** 53) + 1, max: -1 }).map((t): Mutation => ({ kind: 'negative timestamp', valid: false, apply: (r) => (r.timestamp = t) })),
  fc.double({ min: 1, max: 1e12, noNaN: true }).filter((d) => !Number.isInteger(d)).map((t): Mutation => ({ kind: 'fractional timestamp', valid: false, apply: (r) => (r.timestamp = t) })),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((t): Mutation => ({ kind: 'any non-negative integer timestamp', valid: true, apply: (r) => (r.timestamp = t) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v): Mutation => ({ kind: 'any finite double x', valid: true, apply: (r) => (r.x = v) })),
  fc.string().map((s): Mutation => ({ kind: 'extra field', valid: true, apply: (r) => (r.note = s) })),
  fc.constantFrom('not-an-email', '', 'a@', '@b.co').map((u): Mutation => ({ kind: 'user not an email', valid: false, apply: (r) => (r.user = u) })),
);

const record = fc.record({
  user: fc.constantFrom('Santosh.Clayton@test.com', 'ann@x.co', 'Santosh.Clayton+step@test.com'),
  timestamp: fc.integer({ min: 0, max: 4102444800000 }),
  x: fc.constantFrom(1.0, -1.0, 0.0, 0.5),
  y: fc.constantFrom(1.0, -1.0, 0.0),
  z: fc.constantFrom(1.0, -1.0, 0.0),
});

describe('accelerometer contract properties', () => {
  it('each mutated record is valid exactly when its mutation says so, and read = valid + quarantined', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(record, mutation), { minLength: 1, maxLength: 40 }), async (cases) => {
        const root = tempDir();
        mkdirSync(join(root, 'accelerometer'));
        const lines = cases.map(([r, m]) => {
          const copy: Record<string, unknown> = { ...r };
          m.apply(copy);
          return JSON.stringify(copy);
        });
        writeFileSync(join(root, 'accelerometer', 'a.json'), lines.join('\n') + '\n');
        const v = await validateDataset(accelerometer, {
          landingRoot: root,
          validPrefix: join(root, 'valid'),
          quarantineFile: join(root, 'q.jsonl'),
        });
        const expectedInvalid = cases.map(([, m], i) => (m.valid ? 0 : i + 1)).filter(Boolean);
        const quarantine = readFileSync(join(root, 'q.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
        expect(quarantine.map((q) => q.line)).toEqual(expectedInvalid);
        for (const q of quarantine) {
          expect(q.reasons.length).toBeGreaterThan(0);
          expect(q.record).toBe(lines[q.line - 1]);
        }
        expect([v.read, v.valid + v.quarantined, v.valid]).toEqual([cases.length, cases.length, cases.length - expectedInvalid.length]);
        const valid = v.validFiles.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
        expect(valid).toHaveLength(v.valid);
        for (const r of valid) expect(Object.keys(r)).toEqual(['user', 'timestamp', 'x', 'y', 'z']);
      }),
      { numRuns: 60 },
    );
  });
});
