import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { lambdaCatalog } from '../../src/lambdas/lambda-catalog';
import { deterministicZip } from '../../stacks/orchestration/deterministic-zip';
import { bundleLambdas, FORBIDDEN_BUNDLE_PACKAGES, LambdaBundleError, type LambdaBundle, type LambdaName } from '../../stacks/orchestration/lambda-bundle';
import { synthLambdaCatalog } from '../../stacks/orchestration/synth-lambda-catalog';

const catalog = loadCatalog();
const embedded = lambdaCatalog(catalog, loadRules(catalog), loadGateConfig(catalog));
const out = mkdtempSync(join(tmpdir(), 'stedi-bundles-'));
let bundles: Readonly<Record<LambdaName, LambdaBundle>>;

beforeAll(() => {
  bundles = bundleLambdas(embedded, out);
});

/** The single `index.js` of a bundle's zip (local file header at 0, deflate). */
function indexJs(zipFile: string): string {
  const zip = readFileSync(zipFile);
  const nameLength = zip.readUInt16LE(26);
  const packed = zip.readUInt32LE(18);
  expect(zip.subarray(30, 30 + nameLength).toString()).toBe('index.js');
  return inflateRawSync(zip.subarray(30 + nameLength, 30 + nameLength + packed)).toString('utf8');
}

describe('Lambda bundles', () => {
  it.each(['validator', 'gate', 'publish'] as const)('the %s bundle contains no DuckDB module', (name) => {
    const duck = bundles[name].inputs.filter((i) => FORBIDDEN_BUNDLE_PACKAGES.some((p) => i.includes(p)) || /duckdb/i.test(i));
    expect(duck).toEqual([]);
  });

  it('bundles the same modules the local runner uses', () => {
    expect(bundles.validator.inputs).toEqual(expect.arrayContaining(['src/pipeline/record-contract.ts', 'src/pipeline/record-batch.ts', 'src/pipeline/line-reader.ts', 'src/lambdas/validator.ts']));
    expect(bundles.gate.inputs).toEqual(expect.arrayContaining(['src/gates/evaluator.ts', 'src/engine/athena-engine.ts', 'src/lambdas/gate.ts']));
    expect(bundles.gate.inputs).not.toContain('src/engine/duckdb-engine.ts');
    expect(bundles.publish.inputs).toEqual(expect.arrayContaining(['src/lambdas/publish.ts', 'src/lambdas/glue-table-location.ts']));
  });

  it('refuses to bundle an entry that imports the DuckDB engine', () => {
    const entry = join(out, 'bad-entry.ts');
    writeFileSync(entry, `import { DuckDbEngine } from '${resolve(__dirname, '../../src/engine/duckdb-engine')}';\nexport const handler = () => DuckDbEngine.open();\n`);
    expect(() => bundleLambdas(embedded, join(out, 'bad'), { bad: entry })).toThrow(LambdaBundleError);
    expect(() => bundleLambdas(embedded, join(out, 'bad2'), { bad: entry })).toThrow(
      /bad-entry\.ts pulls in node_modules\/@duckdb\/node-api\/: Lambda bundles must not contain DuckDB; import the engine adapter only where it runs$/,
    );
  });

  it('a bundled handler loads with its catalog embedded and stops at the first missing setting', () => {
    const dir = mkdtempSync(join(out, 'run-'));
    writeFileSync(join(dir, 'index.js'), indexJs(bundles.validator.zipFile));
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler({bucket:'b',key:'customer/a.json',runId:'r'}).then(()=>process.exit(3),(e)=>{console.log(e.message);})`;
    const output = execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(output.trim()).toBe('environment variable STEDI_TRUSTED_BUCKET is not set; the stack that deploys this Lambda sets it (stacks/orchestration)');
  });

  it('the gate bundle synth makes carries the lineage of every rule\'s sample columns, traced at synth time, and still no DuckDB', async () => {
    const synthCatalog = await synthLambdaCatalog(catalog);
    expect(Object.keys(synthCatalog.samplePrivacy!.rules).sort()).toEqual(synthCatalog.rules.map((r) => r.name).sort());
    const withLineage = bundleLambdas(synthCatalog, mkdtempSync(join(tmpdir(), 'stedi-bundles-lineage-')));
    expect(withLineage.gate.inputs.filter((i) => /duckdb/i.test(i))).toEqual([]);
    const code = indexJs(withLineage.gate.zipFile);
    // esbuild defines the catalog as an object literal: the serial rule's email columns are traced to customer_landing.email.
    expect(code).toContain('samplePrivacy:{rules:{');
    expect(code).toMatch(/serial_number_shared_by_customers:\{columns:\[\{name:"serialNumber",sources:\[\],unknown:\[\]\},\{name:"customers",sources:\[\],unknown:\[\]\},\{name:"first_email",sources:\["customer_landing\.email"\]/);
  });

  it('zips are byte-for-byte reproducible, so an unchanged Lambda keeps its source_code_hash', () => {
    const files = { 'index.js': Buffer.from('exports.handler = async () => 1;\n') };
    expect(deterministicZip(files).equals(deterministicZip(files))).toBe(true);
    const again = bundleLambdas(embedded, mkdtempSync(join(tmpdir(), 'stedi-bundles-again-')));
    expect(again.gate.sha256).toBe(bundles.gate.sha256);
  });

  it('zips open with a standard zip reader (Python zipfile)', () => {
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), z.namelist())', bundles.publish.zipFile], { encoding: 'utf8' });
    expect(listing.trim()).toBe("None ['index.js']");
  });
});
