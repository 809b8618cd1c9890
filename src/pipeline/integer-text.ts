// Whether a JSON number, as it was written, is an integer. JSON Schema's `integer` (ajv) is decided
// on the double JSON.parse reads, and JSON.parse rounds: 4.9999999999999999 reads as 5,
// 1.0000000000000001 as 1, 1e-400 as 0, and all three pass `type: integer` although the producer
// sent no integer. A BIGINT column would then hold a value nobody sent. 1.0, 1e2 and 0.5e1 are
// integers as written (ajv takes them too) and load as 1, 100 and 5.

const NUMBER = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** Whether the decimal value a JSON number's text writes is an integer (exactly, not once rounded). */
export function isIntegerText(text: string): boolean {
  const m = NUMBER.exec(text);
  if (!m) return false;
  const fraction = m[2] ?? '';
  const significant = (m[1] + fraction).replace(/^0+/, '');
  // Zero, however written (0.000, 0e-7), is the integer 0.
  if (significant === '') return true;
  const trailingZeros = significant.length - significant.replace(/0+$/, '').length;
  // The value is (significant digits without their trailing zeros) * 10^scale.
  const scale = Number(m[3] ?? '0') - fraction.length + trailingZeros;
  return scale >= 0;
}

/**
 * The text of each number that is the value of one of `names` at the top level of a JSON object's
 * text (one JSON.parse accepted), as JSON.parse reads it: of a key written twice, the last value
 * counts. Values that are no number, nested ones included, are left out.
 */
export function topLevelNumberTexts(text: string, names: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  let i = 0;
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Moves past the string that starts at i; returns its raw text between the quotes. */
  const string = () => {
    const start = ++i;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return text.slice(start, i++);
  };
  space();
  if (text[i] !== '{') return found;
  i++;
  for (;;) {
    space();
    if (text[i] === '}' || i >= text.length) return found;
    const raw = string();
    const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    space();
    i++; // the colon
    space();
    const start = i;
    const c = text[i];
    if (c === '"') string();
    else if (c === '{' || c === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          string();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0);
    } else {
      while (i < text.length && !',}] \t\n\r'.includes(text[i])) i++;
    }
    if (names.has(key)) {
      if (c === '-' || (c >= '0' && c <= '9')) found.set(key, text.slice(start, i));
      else found.delete(key);
    }
    space();
    if (text[i] === ',') i++;
  }
}
