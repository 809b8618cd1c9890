// A landing file changed between the run's reads of it (validation, DuckDB's load from where it is)
// must never publish bytes that were not validated: each read is held to the file as listed, and a
// change ends the run as busy (exit 75), naming the file and what changed.
import { appendFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { BusyError } from '../../src/errors/operator-error';
import { LandingChangedError } from '../../src/pipeline/landing-identity';
import { listDatasetFiles } from '../../src/pipeline/landing-files';
import { runPipeline, type RunEvent } from '../../src/pipeline/runner';
import { validateDataset } from '../../src/pipeline/validate';
import { queryLake } from '../support/lake';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const SERIAL = '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c';
const reading = (t: number, d: number) => `{"sensorReadingTime":${t},"serialNumber":"${SERIAL}","distanceFromObject":${d}}`;

/**
 * The fixture with step_trainer/ (the last dataset) as two files: one with a line the line acceptor
 * leaves to ajv (its records are written out), and a clean one, which DuckDB loads where it is.
 */
function landingWithInPlaceFile(): { landing: string; clean: string } {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  rmSync(join(landing, 'README.md'));
  const dir = join(landing, 'step_trainer');
  const fixture = readFileSync(join(dir, 'step_trainer-1691348232038.json'), 'utf8');
  rmSync(join(dir, 'step_trainer-1691348232038.json'));
  writeFileSync(join(dir, 'a-exponent.json'), '{"sensorReadingTime":1.655564444e12,"serialNumber":"' + SERIAL + '","distanceFromObject":229}\n');
  const clean = join(dir, 'b-clean.json');
  writeFileSync(clean, fixture);
  return { landing, clean };
}

/** Calls `change` once, when validation has read every landing byte (before the last dataset is loaded). */
const whenValidated = (change: () => void) => {
  let done = false;
  return (e: RunEvent) => {
    if (!done && e.kind === 'progress' && e.phase === 'validate' && e.done === e.total) {
      done = true;
      change();
    }
  };
};

describe('a landing file changed between validation and load', () => {
  it('overwritten in place with the same size: refused, nothing published, and the next run reads it whole', async () => {
    const { landing, clean } = landingWithInPlaceFile();
    const lake = tempDir();
    const original = readFileSync(clean, 'utf8');
    // Same length, another distance: the bytes DuckDB would load are not those validated.
    const forged = original.replace('"distanceFromObject":230', '"distanceFromObject":999');
    expect(forged.length).toBe(original.length);
    const run = runPipeline({ landing, lake, validationWorkers: 0, onEvent: whenValidated(() => writeFileSync(clean, forged)) });
    await expect(run).rejects.toThrow(
      new LandingChangedError(
        'step_trainer/b-clean.json',
        'landing file step_trainer/b-clean.json changed after it was validated, before it was loaded: it was written to. Nothing was published; run again once the producer has finished writing it',
      ),
    );
    await expect(run).rejects.toBeInstanceOf(BusyError);
    // Nothing published: a query of the lake finds no published table.
    await expect(queryLake(lake, 'SELECT count(*) AS n FROM landing.step_trainer_landing')).rejects.toThrow();
    const next = await runPipeline({ landing, lake });
    expect(await queryLake(lake, `SELECT count(*) AS n FROM ${next.status === 'published' ? 'landing' : 'staging'}.step_trainer_landing WHERE distanceFromObject = 999`)).toEqual([{ n: 1 }]);
  });

  it('appended to: refused (not an accounting crash), the sizes named', async () => {
    const { landing, clean } = landingWithInPlaceFile();
    const size = readFileSync(clean).length;
    const line = reading(1655564444999, 250) + '\n';
    const run = runPipeline({ landing, lake: tempDir(), validationWorkers: 0, onEvent: whenValidated(() => appendFileSync(clean, line)) });
    await expect(run).rejects.toThrow(`landing file step_trainer/b-clean.json changed after it was validated, before it was loaded: it held ${size} bytes when listed and holds ${size + line.length} now.`);
  });

  it('replaced by another file (a rename onto its path): refused', async () => {
    const { landing, clean } = landingWithInPlaceFile();
    const other = join(landing, 'replacement.tmp');
    writeFileSync(other, readFileSync(clean));
    await expect(runPipeline({ landing, lake: tempDir(), validationWorkers: 0, onEvent: whenValidated(() => renameSync(other, clean)) })).rejects.toThrow(
      'landing file step_trainer/b-clean.json changed after it was validated, before it was loaded: it was replaced by another file.',
    );
  });
});

describe('a landing file changed while it is validated, or after it was listed', () => {
  const ds = loadCatalog().datasets.find((d) => d.dataset === 'step_trainer')!;
  const setUp = (text: string) => {
    const root = tempDir();
    mkdirSync(join(root, 'step_trainer'));
    const file = join(root, 'step_trainer', 'a.json');
    writeFileSync(file, text);
    return { root, file, options: { landingRoot: root, validPrefix: join(root, 'valid'), quarantineFile: join(root, 'q.jsonl') } };
  };

  it('appended to while its batches are read: refused when its end is read', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => reading(1655564444000 + i, 200)).join('\n') + '\n';
    const { root, file, options } = setUp(lines);
    let appended = false;
    const listing = listDatasetFiles(root, 'step_trainer');
    const validation = validateDataset(ds, {
      ...options,
      listing,
      batchBytes: 64 * 1024,
      onProgress: () => {
        if (!appended) appendFileSync(file, reading(1, 1) + '\n');
        appended = true;
      },
    });
    await expect(validation).rejects.toThrow(`landing file step_trainer/a.json changed while it was validated: it held ${lines.length} bytes when listed and holds ${lines.length + reading(1, 1).length + 1} now.`);
  });

  it('deleted and written again (the same size) after it was listed, before it was opened: refused', async () => {
    const { root, file, options } = setUp(reading(1655564444000, 200) + '\n');
    const listing = listDatasetFiles(root, 'step_trainer');
    rmSync(file);
    writeFileSync(file, reading(1655564444000, 999) + '\n');
    // The file system may give the new file the inode the old one had: then it was written to.
    await expect(validateDataset(ds, { ...options, listing })).rejects.toThrow(/^landing file step_trainer\/a\.json changed after it was listed: it (was replaced by another file|was written to)\. Nothing was published/);
  });

  it('turned into a symbolic link after it was listed: refused, the link never followed', async () => {
    const { root, file, options } = setUp(reading(1655564444000, 200) + '\n');
    const listing = listDatasetFiles(root, 'step_trainer');
    const elsewhere = join(tempDir(), 'outside.json');
    writeFileSync(elsewhere, reading(1655564444000, 999) + '\n');
    rmSync(file);
    symlinkSync(elsewhere, file);
    await expect(validateDataset(ds, { ...options, listing })).rejects.toThrow('landing file step_trainer/a.json changed after it was listed: it is a symbolic link now.');
  });

  it('a .gz appended to while it is read: refused too', async () => {
    const { gzipSync } = await import('node:zlib');
    const root = tempDir();
    mkdirSync(join(root, 'step_trainer'));
    const file = join(root, 'step_trainer', 'a.json.gz');
    writeFileSync(file, gzipSync(reading(1655564444000, 200) + '\n'));
    const listing = listDatasetFiles(root, 'step_trainer');
    appendFileSync(file, gzipSync(reading(1655564444001, 200) + '\n'));
    await expect(validateDataset(ds, { landingRoot: root, listing, validPrefix: join(root, 'valid'), quarantineFile: join(root, 'q.jsonl') })).rejects.toThrow(
      'landing file step_trainer/a.json.gz changed after it was listed: it held',
    );
  });
});
