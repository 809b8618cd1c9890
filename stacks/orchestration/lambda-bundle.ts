// Bundles a pipeline Lambda with esbuild at synth time, from the same TypeScript modules the local
// runner uses, with the catalog embedded, into a deterministic zip.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { EMBEDDED_CATALOG_NAME, type LambdaCatalog } from '../../src/lambdas/lambda-catalog';
import { deterministicZip } from './deterministic-zip';

/** The Lambda entry modules, by function purpose. */
export const LAMBDA_ENTRIES = {
  validator: resolve(__dirname, '..', '..', 'src', 'lambdas', 'validator.ts'),
  gate: resolve(__dirname, '..', '..', 'src', 'lambdas', 'gate.ts'),
  publish: resolve(__dirname, '..', '..', 'src', 'lambdas', 'publish.ts'),
} as const;

/** The Node.js version the bundles target; matches the functions' runtime. */
export const LAMBDA_NODE_TARGET = 'node22';

/** Packages a Lambda bundle must never contain: DuckDB is a native module of the local engine only. */
export const FORBIDDEN_BUNDLE_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings'] as const;

export interface LambdaBundle {
  /** The zip file, for a TerraformAsset. */
  readonly zipFile: string;
  /** base64 SHA-256 of the zip, as Lambda's `source_code_hash` expects. */
  readonly sha256: string;
  /** The modules esbuild read, relative to the repository root (what the bundle contains). */
  readonly inputs: readonly string[];
  readonly bytes: number;
}

export class LambdaBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LambdaBundleError';
  }
}

const ROOT = resolve(__dirname, '..', '..');
export type LambdaName = keyof typeof LAMBDA_ENTRIES;
const cache = new Map<string, Readonly<Record<string, LambdaBundle>>>();

/** The inputs (module paths) that come from a forbidden package. */
export function forbiddenInputs(inputs: readonly string[]): string[] {
  return inputs.filter((p) => FORBIDDEN_BUNDLE_PACKAGES.some((pkg) => p.includes(`node_modules/${pkg}/`)));
}

/**
 * The modules that went into each output of an esbuild metafile, by entry name. Forbidden packages
 * are kept external (so esbuild does not choke on DuckDB's native binary) and listed here too.
 */
function inputsByEntry(metafile: Metafile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const name = file.replace(/^.*\//, '').replace(/\.js$/, '');
    const externals = output.imports.filter((i) => i.external).map((i) => `node_modules/${i.path}/`);
    out[name] = [...new Set([...Object.keys(output.inputs), ...externals])].sort();
  }
  return out;
}

/**
 * Bundles every pipeline Lambda in one esbuild pass with the catalog defined in, writes each
 * `index.js` into a deterministic zip under `outDir`, and refuses a bundle that pulled in DuckDB.
 * Cached per catalog: both environments share the bundles.
 */
export function bundleLambdas<N extends string = LambdaName>(
  catalog: LambdaCatalog,
  outDir: string = join(tmpdir(), 'stedi-lambda-bundles'),
  entries: Readonly<Record<N, string>> = LAMBDA_ENTRIES as unknown as Record<N, string>,
): Readonly<Record<N, LambdaBundle>> {
  const catalogJson = JSON.stringify(catalog);
  const key = createHash('sha256').update(JSON.stringify(entries)).update('\0').update(outDir).update('\0').update(catalogJson).digest('hex');
  const cached = cache.get(key);
  if (cached) return cached as Record<N, LambdaBundle>;

  const result = buildSync({
    entryPoints: entries,
    outdir: join(outDir, 'build'),
    bundle: true,
    platform: 'node',
    target: LAMBDA_NODE_TARGET,
    format: 'cjs',
    write: false,
    metafile: true,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    sourcemap: false,
    logLevel: 'silent',
    // Prefer ES modules so esbuild can drop unused code of the AWS SDK.
    mainFields: ['module', 'main'],
    define: { [EMBEDDED_CATALOG_NAME]: catalogJson },
    external: FORBIDDEN_BUNDLE_PACKAGES.map((p) => `${p}`),
    absWorkingDir: ROOT,
  });
  const inputs = inputsByEntry(result.metafile);
  mkdirSync(outDir, { recursive: true });
  const bundles = {} as Record<N, LambdaBundle>;
  for (const name of Object.keys(entries) as N[]) {
    const forbidden = forbiddenInputs(inputs[name]);
    if (forbidden.length) {
      throw new LambdaBundleError(
        `${relative(ROOT, entries[name])} pulls in ${forbidden[0]}${forbidden.length > 1 ? ` (and ${forbidden.length - 1} more)` : ''}: ` +
          'Lambda bundles must not contain DuckDB; import the engine adapter only where it runs',
      );
    }
    const file = result.outputFiles.find((f) => f.path.endsWith(`/${name}.js`))!;
    const zip = deterministicZip({ 'index.js': Buffer.from(file.contents) });
    const zipFile = join(outDir, `${name}-${createHash('sha256').update(zip).digest('hex').slice(0, 16)}.zip`);
    // Write then rename: another synth sharing the folder never copies a half-written zip.
    const partial = `${zipFile}.${process.pid}.partial`;
    writeFileSync(partial, zip);
    renameSync(partial, zipFile);
    bundles[name] = { zipFile, sha256: createHash('sha256').update(zip).digest('base64'), inputs: inputs[name], bytes: zip.length };
  }
  cache.set(key, bundles);
  return bundles;
}
