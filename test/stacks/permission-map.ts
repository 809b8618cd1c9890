// pike's per-resource IAM permission map (JamesWoolfenden/pike, src/mapping/aws), gathered into one
// file in ../shared/aws-permission-map/ beside the repository: an oracle nobody here wrote. Read
// from disk, never downloaded; CI places ../shared beside its clone.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/catalog/registry';

/** What Terraform needs for one resource or data source type, per pike. */
export interface PermissionEntry {
  readonly plan?: readonly string[];
  readonly apply?: readonly string[];
  readonly modify?: readonly string[];
  readonly destroy?: readonly string[];
  /** Argument -> the extra actions needed when the argument is set. */
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
}

export interface PermissionMap {
  readonly resource: Readonly<Record<string, PermissionEntry | null>>;
  readonly data: Readonly<Record<string, PermissionEntry | readonly never[] | null>>;
}

export const PERMISSION_MAP_FILE = resolve(PROJECT_ROOT, '..', 'shared', 'aws-permission-map', 'pike-aws-mapping.json');

export function loadPermissionMap(file: string = PERMISSION_MAP_FILE): PermissionMap {
  if (!existsSync(file)) {
    throw new Error(`${file}: pike's permission map is missing; the repository expects ../shared/aws-permission-map/ beside it (see its README)`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as PermissionMap;
}

/** An entry of the map, or undefined when pike has none (an empty array stands for "nothing needed"). */
export function entryOf(map: PermissionMap, kind: 'resource' | 'data', type: string): PermissionEntry | undefined {
  const e = map[kind][type];
  if (e === undefined || e === null) return undefined;
  return Array.isArray(e) ? {} : (e as PermissionEntry);
}
