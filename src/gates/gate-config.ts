// Loads quality-rules/gate-config.json: thresholds of the built-in checks (quarantine share, volume).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { Catalog } from '../catalog/registry';
import { OperatorError } from '../errors/operator-error';

export interface GateConfig {
  readonly quarantine: { readonly default: number; readonly datasets: Readonly<Record<string, number>> };
  readonly volume: { readonly maxShrink: number };
  readonly report: { readonly failingRowsShown: number };
}

const share = { type: 'number', minimum: 0, maximum: 1 };
/** The config's JSON Schema (draft 2020-12). */
export const GATE_CONFIG_SCHEMA = {
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

export class GateConfigError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'GateConfigError';
  }
}

let compiled: ValidateFunction | undefined;

export function parseGateConfig(value: unknown, file: string, catalog: Catalog): GateConfig {
  // Compiled once per process. The schema is this module's constant, so it is not checked against
  // the meta-schema on each run (that cost more than the rest of the run's start); a test checks it.
  compiled ??= new Ajv2020({ strict: true, allErrors: true, validateSchema: false }).compile(GATE_CONFIG_SCHEMA);
  const validate = compiled;
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
