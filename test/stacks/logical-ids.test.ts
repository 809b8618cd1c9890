// Checklist #24: the resource addresses of every stack equal the committed lists in
// stacks/pinned-addresses/, so a refactor cannot replace a bucket or a grant without a reviewed diff.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINNED_ADDRESSES_DIR, readPinnedAddresses, writePinnedAddresses } from '../../stacks/checks/synthesized-app';
import { allResources } from '../../stacks/checks/terraform-json';
import { synthesize, type Synthesized } from './synthesized';

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize();
});

describe('pinned logical IDs', () => {
  it('every stack synthesizes exactly the committed resource addresses', () => {
    const pinned = readPinnedAddresses(PINNED_ADDRESSES_DIR)!;
    expect(Object.keys(pinned).sort()).toEqual(synth.app.stacks.map((s) => s.name).sort());
    for (const s of synth.app.stacks) {
      const got = allResources(s).map((r) => r.address).sort();
      const want = [...pinned[s.name]].sort();
      // On a difference: if the rename is intended, review the diff and run STEDI_PIN_ADDRESSES=1 npm run synth.
      expect({ stack: s.name, removed: want.filter((a) => !got.includes(a)), added: got.filter((a) => !want.includes(a)) }).toEqual({ stack: s.name, removed: [], added: [] });
    }
  });

  it('pins the resources that hold data by readable addresses', () => {
    const pinned = readPinnedAddresses(PINNED_ADDRESSES_DIR)!['stedi-prod-lakehouse'];
    expect(pinned.filter((a) => a.startsWith('aws_s3_bucket.')).map((a) => a.replace(/_[0-9A-F]{8}$/, ''))).toEqual(
      ['access-logs', 'artifacts', 'athena-results', 'curated', 'landing', 'quarantine', 'trusted'].map((p) => `aws_s3_bucket.storage_${p}_bucket`),
    );
    expect(pinned.filter((a) => a.startsWith('aws_kms_key.'))).toEqual(['aws_kms_key.key_F64E54E4']);
  });

  it('the lists round-trip through the writer the synth command uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stedi-pins-'));
    writePinnedAddresses(synth.app.stacks, dir);
    expect(readPinnedAddresses(dir)).toEqual(readPinnedAddresses(PINNED_ADDRESSES_DIR));
  });
});
