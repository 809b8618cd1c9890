// Reads a synthesized cdktf stack (cdk.tf.json) and resolves the references that can be known before apply.
import { readFileSync } from 'node:fs';
import { OperatorError } from '../errors/operator-error';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly data?: Record<string, Record<string, JsonObject>>;
  readonly locals?: Record<string, Json>;
  readonly provider?: Record<string, Json>;
}

export class SynthesizedStackError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesizedStackError';
  }
}

export function readSynthesizedStack(file: string): TerraformJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SynthesizedStackError(`${file}: cannot read the synthesized stack (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run \`npm run synth\` first`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    return json as TerraformJson;
  } catch (e) {
    throw new SynthesizedStackError(`${file}: not a synthesized Terraform JSON stack: ${(e as Error).message}`);
  }
}

/** A Terraform block written either as one object or as a list of objects. */
export function blocks(value: Json | undefined): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (typeof value === 'object') return [value];
  return [];
}

export function block(value: Json | undefined): JsonObject | undefined {
  return blocks(value)[0];
}

const INTERPOLATION = /\$\{([^{}]*)\}/g;
const RESOURCE_REF = /^([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/;
const LOCAL_REF = /^local\.([A-Za-z0-9_-]+)$/;

/** `type.name` of every resource a value refers to through `${type.name.attr}`. */
export function referencedAddresses(value: Json | undefined): string[] {
  const found = new Set<string>();
  const walk = (v: Json | undefined): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(INTERPOLATION)) {
        const r = RESOURCE_REF.exec(m[1].trim());
        if (r && r[1] !== 'data' && r[1] !== 'local' && r[1] !== 'var') found.add(`${r[1]}.${r[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found];
}

/**
 * Resolves `${type.name.attr}` and `${local.name}` references to the literal values written in the
 * stack, and derives the attributes Terraform computes predictably: a bucket's ARN from its name,
 * an IAM role's ARN from its name, path and the provider's single allowed account. A reference that
 * cannot be known before apply stays visible as `{expression}`, e.g. `{aws_s3_bucket.x.bucket}`,
 * so two values built from the same unknown still compare equal.
 */
export class ReferenceResolver {
  private readonly account: string;

  constructor(private readonly json: TerraformJson) {
    const ids = new Set<string>();
    for (const p of blocks((json.provider ?? {})['aws'])) {
      const allowed = p['allowed_account_ids'];
      if (Array.isArray(allowed)) for (const a of allowed) if (typeof a === 'string') ids.add(a);
    }
    this.account = ids.size === 1 ? [...ids][0] : '{account}';
  }

  /** The account the stack's AWS provider is pinned to, when exactly one. */
  get accountId(): string | undefined {
    return this.account.startsWith('{') ? undefined : this.account;
  }

  resource(type: string, name: string): JsonObject | undefined {
    return this.json.resource?.[type]?.[name];
  }

  string(value: Json | undefined, depth = 0): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return String(value);
    if (depth > 20) return value;
    return value.replace(INTERPOLATION, (_, expr: string) => this.expression(expr.trim(), depth + 1));
  }

  strings(value: Json | undefined): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      const s = this.string(value);
      return s === undefined ? [] : [s];
    }
    return value.map((v) => this.string(v) ?? '');
  }

  /** Deep resolution of any JSON value (objects and lists keep their shape). */
  value(value: Json | undefined, depth = 0): Json | undefined {
    if (typeof value === 'string') return this.string(value, depth);
    if (Array.isArray(value)) return value.map((v) => this.value(v, depth) ?? null);
    if (value && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) if (k !== '//') out[k] = this.value(v, depth) ?? null;
      return out;
    }
    return value;
  }

  private expression(expr: string, depth: number): string {
    const local = LOCAL_REF.exec(expr);
    if (local) {
      const v = this.json.locals?.[local[1]];
      return typeof v === 'string' ? this.string(v, depth) ?? `{${expr}}` : `{${expr}}`;
    }
    const r = RESOURCE_REF.exec(expr);
    if (!r || r[1] === 'data' || r[1] === 'var') return `{${expr}}`;
    return this.attribute(r[1], r[2], r[3], depth) ?? `{${expr}}`;
  }

  private attribute(type: string, name: string, attr: string, depth: number): string | undefined {
    const res = this.resource(type, name);
    if (!res) return undefined;
    const literal = res[attr];
    if (typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean') return this.string(literal, depth);
    const ref = (a: string) => this.attribute(type, name, a, depth) ?? `{${type}.${name}.${a}}`;
    if (type === 'aws_s3_bucket') {
      if (attr === 'id' || attr === 'bucket') return typeof res['bucket'] === 'string' ? this.string(res['bucket'], depth) : undefined;
      if (attr === 'arn') return `arn:aws:s3:::${ref('bucket')}`;
    }
    if (type === 'aws_iam_role' && attr === 'arn' && typeof res['name'] === 'string') {
      const path = typeof res['path'] === 'string' ? this.string(res['path'], depth)! : '/';
      return `arn:aws:iam::${this.account}:role${path}${this.string(res['name'], depth)}`;
    }
    if ((type === 'aws_iam_role' || type === 'aws_glue_catalog_database') && attr === 'id' && typeof res['name'] === 'string') {
      return this.string(res['name'], depth);
    }
    return undefined;
  }
}
