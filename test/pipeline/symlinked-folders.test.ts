// Symbolic links in the landing tree are never followed, whatever they point at: a file, a folder
// inside a dataset folder (literal-paths.test.ts), or a dataset's folder itself
// (landing/customer -> elsewhere). Each is listed as ignored with why, and no file outside the
// landing tree is read: its records reach no table.
import { cpSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { runSummary } from '../../src/cli/run-summary';
import { queryLake } from '../support/lake';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

function landingCopy(): string {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  return landing;
}

describe('a dataset folder that is a symbolic link', () => {
  it('is listed as ignored with why, none of its files are read, and the gates decide on what is left', async () => {
    const landing = landingCopy();
    // The fixture's customers, moved outside the landing tree and linked back in as customer/.
    const elsewhere = join(tempDir(), 'customers');
    renameSync(join(landing, 'customer'), elsewhere);
    symlinkSync(elsewhere, join(landing, 'customer'), 'dir');
    const lake = tempDir();
    const m = await runPipeline({ landing, lake });
    const customer = m.datasets.customer;
    expect(customer.ignoredFiles).toEqual([
      { name: 'customer/', reason: "a symbolic link: never followed, so none of the dataset's files are read (move them into a real customer/ folder)" },
    ]);
    expect([customer.files, customer.bytes, customer.read, customer.valid, customer.quarantined]).toEqual([0, 0, 0, 0, 0]);
    expect(m.tables.customer_landing.rows).toBe(0);
    // Without customers no reading has a consenting customer: nothing reaches the trusted readings.
    expect(m.datasets.accelerometer.outcomes.trusted ?? 0).toBe(0);
    const schema = m.status === 'published' ? 'landing' : 'staging';
    expect(await queryLake(lake, `SELECT count(*) AS n FROM ${schema}.customer_landing`)).toEqual([{ n: 0 }]);
    expect(runSummary(m)).toContain("ignored customer/: a symbolic link: never followed, so none of the dataset's files are read");
  });

  it('a symbolic link to a file inside the landing tree is not read either (one policy for every link)', async () => {
    const landing = landingCopy();
    const inside = join(landing, 'accelerometer', 'accelerometer-1691348231495.json');
    symlinkSync(inside, join(landing, 'accelerometer', 'again.json'));
    const m = await runPipeline({ landing, lake: tempDir() });
    expect(m.datasets.accelerometer.ignoredFiles).toEqual([{ name: join('accelerometer', 'again.json'), reason: 'a symbolic link: never followed' }]);
    expect(m.datasets.accelerometer.read).toBe(10);
  });

  it('a folder beside the dataset folders that is a symbolic link is listed as one, never walked', async () => {
    const landing = landingCopy();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'x.json'), '{}\n');
    symlinkSync(elsewhere, join(landing, 'step_trainers'), 'dir');
    const m = await runPipeline({ landing, lake: tempDir() });
    expect(m.ignoredLanding).toEqual([
      { name: 'README.md', reason: 'not in a dataset folder (expected accelerometer/, customer/, step_trainer/)' },
      { name: 'step_trainers', reason: 'a symbolic link: never followed (expected accelerometer/, customer/, step_trainer/)' },
    ]);
  });
});
