// The gate config's schema and how a config file is checked against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { loadCatalog } from '../../src/catalog/registry';
import { GATE_CONFIG_SCHEMA, GateConfigError, loadGateConfig, parseGateConfig } from '../../src/gates/gate-config';

const catalog = loadCatalog();
const good = { quarantine: { default: 0.01, datasets: { customer: 0 } }, volume: { maxShrink: 0.5 }, report: { failingRowsShown: 10 } };

describe('gate config', () => {
  it('has a schema that meets the draft 2020-12 meta-schema (runs compile it without that check)', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    expect(ajv.validateSchema(GATE_CONFIG_SCHEMA)).toBe(true);
    expect(ajv.errors).toBeNull();
    expect(() => ajv.compile(GATE_CONFIG_SCHEMA)).not.toThrow();
  });

  it("loads the repository's own config", () => {
    // The values are the file's: a loader that dropped or defaulted one would differ.
    const file = JSON.parse(readFileSync(join(catalog.root, 'quality-rules', 'gate-config.json'), 'utf8'));
    expect(loadGateConfig(catalog)).toEqual(file);
    expect(file.report.failingRowsShown).toBe(10);
  });

  it('names the file, the path and the reason of a config that breaks the schema, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => parseGateConfig({ ...good, volume: { maxShrink: 2 } }, 'g.json', catalog)).toThrow(
        new GateConfigError('g.json: /volume/maxShrink must be <= 1'),
      );
      expect(() => parseGateConfig({ ...good, extra: 1 }, 'g.json', catalog)).toThrow('g.json: (top) must NOT have additional properties');
      expect(parseGateConfig(good, 'g.json', catalog)).toEqual(good);
    }
  });

  it('refuses a threshold for a dataset the catalog does not have', () => {
    expect(() => parseGateConfig({ ...good, quarantine: { default: 0, datasets: { nope: 0 } } }, 'g.json', catalog)).toThrow(
      'g.json: /quarantine/datasets/nope is no landing dataset (accelerometer, customer, step_trainer)',
    );
  });
});
