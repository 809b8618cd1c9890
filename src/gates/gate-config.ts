// Loads quality-rules/gate-config.json: thresholds of the built-in checks (quarantine share, volume).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { Catalog } from '../catalog/registry';

export interface GateConfig {
  readonly quarantine: { readonly default: number; readonly datasets: Readonly<Record<string, number>> };
  readonly volume: { readonly maxShrink: number };
  readonly report: { readonly failingRowsShown: number };
}

const share = { type: 'number', minimum: 0, maximum: 1 };
const SCHEMA = {
  type: 'object',
  required: ['quarantine', 'volume', 'report'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    quarantine: {
      type: 'object',
      required: ['default', 'datasets'],
      additionalProperties: false,
      properties: { $comment: { type: 'string' }, default: share, datasets: { type: 'object', additionalProperties: share } },
    },
    volume: {
      type: 'object',
      required: ['maxShrink'],
      additionalProperties: false,
      properties: { $comment: { type: 'string' }, maxShrink: share },
    },
    report: {
      type: 'object',
      required: ['failingRowsShown'],
      additionalProperties: false,
      properties: { $comment: { type: 'string' }, failingRowsShown: { type: 'integer', minimum: 0, maximum: 100 } },
    },
  },
};

export class GateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateConfigError';
  }
}

export function parseGateConfig(value: unknown, file: string, catalog: Catalog): GateConfig {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(SCHEMA);
  if (!validate(value)) {
    const e = validate.errors![0];
    throw new GateConfigError(`${file}: ${e.instancePath || '(top)'} ${e.message}`);
  }
  const config = value as unknown as GateConfig;
  for (const d of Object.keys(config.quarantine.datasets)) {
    if (!catalog.datasets.some((x) => x.dataset === d)) {
      throw new GateConfigError(`${file}: /quarantine/datasets/${d} is no landing dataset (${catalog.datasets.map((x) => x.dataset).join(', ')})`);
    }
  }
  return config;
}

export function loadGateConfig(catalog: Catalog, file: string = join(catalog.root, 'quality-rules', 'gate-config.json')): GateConfig {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GateConfigError(`${file}: ${(e as Error).message}`);
  }
  return parseGateConfig(value, file, catalog);
}
