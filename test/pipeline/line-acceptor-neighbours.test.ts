// Every line one byte away from a valid line, held to the oracles (test/support/acceptor-oracle.ts):
// each byte of a taken line replaced by each of the 256 bytes, removed, or preceded by each of the
// 256 bytes. A check of the acceptor that is dropped or weakened takes some neighbour the oracles
// refuse, or refuses one written plainly that they accept (issue 19: the random generator of
// line-acceptor-oracle.test.ts seldom lands one byte from a valid line, where such checks decide).
// Each neighbour is also read in place, amid bytes that would change its verdict if the acceptor
// read one past the end it was given, and must get the verdict of its copy.
import { compileLineAcceptor, type LineAcceptor } from '../../src/pipeline/line-acceptor';
import { contractFormat } from '../../src/pipeline/record-contract';
import { b, mustTake, oracle, SCHEMA, writtenPlainly } from '../support/acceptor-oracle';

function acceptor(): LineAcceptor {
  const built = compileLineAcceptor(SCHEMA as unknown as Record<string, unknown>, contractFormat);
  if (!('acceptor' in built)) throw new Error(`no acceptor: ${built.unsupported}`);
  return built.acceptor;
}

/** Taken lines: every property, string and number, whitespace of both kinds, non-ASCII text. */
const BASES = [
  '{"name":"Ann","count":1}',
  ' {"count":10 , "name":"Zoë","any":-12.5}\t',
  '{\t"name" : "😀b" ,"count":-5,"weight":1000,"text":"a b","email":"a@b.co"}',
  '{"name":"Ab","count":3,"ratio":2.4999,"day":"2024-02-29","level":99,"floor":3,"ceiling":7.5,"above":-1.5,"below":49}',
  '{"text":"","name":"Abcdef","count":0,"any":0.5,"weight":0.25}',
];

/** Each byte replaced, removed, or preceded by another. */
function* neighbours(base: Buffer): Generator<Buffer> {
  for (let at = 0; at <= base.length; at++) {
    const before = base.subarray(0, at);
    if (at < base.length) {
      const after = base.subarray(at + 1);
      yield Buffer.concat([before, after]);
      for (let v = 0; v < 256; v++) if (v !== base[at]) yield Buffer.concat([before, Buffer.from([v]), after]);
    }
    for (let v = 0; v < 256; v++) yield Buffer.concat([before, Buffer.from([v]), base.subarray(at)]);
  }
}

/** Bytes that a reader running past its end would take for more of the line. */
const PAST_END = ['"', ' ', '\t', '}', ',', ':', '0', '5', '.', 'e', 'a', '\x80'];

describe('line acceptor: every line one byte from a taken line', () => {
  it.each(BASES)('%s', (text) => {
    const base = b(text);
    const accept = acceptor();
    const takes = (l: Buffer) => accept(l, 0, l.length);
    expect([takes(base), oracle(base), writtenPlainly(base)]).toEqual([true, true, undefined]);
    const wrong: string[] = [];
    const seen = { lines: 0, taken: 0, refusedValid: 0 };
    for (const line of neighbours(base)) {
      seen.lines++;
      const taken = takes(line);
      const shown = JSON.stringify(line.toString('latin1'));
      if (taken) {
        seen.taken++;
        if (!oracle(line)) wrong.push(`${shown}: taken, but the oracles refuse it`);
        else if (writtenPlainly(line) !== undefined) wrong.push(`${shown}: taken, but not written plainly (${writtenPlainly(line)})`);
      } else if (mustTake(line)) wrong.push(`${shown}: written plainly and valid, but refused`);
      else if (oracle(line)) seen.refusedValid++;
      for (const pad of PAST_END) {
        const amid = Buffer.concat([Buffer.from(pad, 'latin1'), line, Buffer.from(pad, 'latin1')]);
        if (accept(amid, 1, 1 + line.length) !== taken) wrong.push(`${shown}: read amid ${JSON.stringify(pad)}, ${!taken ? 'taken' : 'refused'}`);
      }
      if (wrong.length >= 20) break;
    }
    expect(wrong).toEqual([]);
    // Both sides of the contract are reached: neighbours taken, and valid ones left to ajv.
    expect(seen.lines).toBe(base.length * 512 + 256);
    expect(seen.taken).toBeGreaterThan(100);
    expect(seen.refusedValid).toBeGreaterThan(10);
  });
});
