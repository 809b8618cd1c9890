// The SQL of glue/sql and quality-rules read as tokens, not as text: which names a statement reads
// as tables, where they are (so they can be bound to an engine's references), and the tokens a
// rule's predicate is made of. A regular expression over the text could not tell a table after
// FROM from a string ('from x'), a comment, a column after EXTRACT(year FROM ...) or IS DISTINCT
// FROM, nor see the second table of FROM a, b.
//
// The lexing follows DuckDB's (PostgreSQL's) rules: '...' strings with '' inside, E'...' with
// backslash escapes, $tag$...$tag$ strings, "..." identifiers with "" inside, -- and nested /* */
// comments. The table positions are those of DuckDB's grammar; test/catalog/sql-text.test.ts holds
// both to DuckDB's own parse tree (json_serialize_sql) over the catalog's SQL and hostile forms.
// Engine-neutral and synchronous: the catalog loads with it, and the Lambdas may bundle it.

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct' | 'comment' | 'space';

export interface Token {
  readonly kind: TokenKind;
  /** Offsets in the SQL: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The source text. */
  readonly text: string;
  /** Words: lower case; quoted identifiers: the name inside the quotes; others: the text. */
  readonly value: string;
}

export class SqlTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlTextError';
  }
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The tokens of `sql`, spaces and comments included, so that their texts join to `sql`. */
export function sqlTokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, value?: string) => {
    const text = sql.slice(start, i);
    out.push({ kind, start, end: i, text, value: value ?? text });
  };
  const unterminated = (what: string, start: number) => {
    throw new SqlTextError(`unterminated ${what} at offset ${start}`);
  };
  while (i < sql.length) {
    const start = i;
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i])) i++;
      push('space', start);
    } else if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      push('comment', start);
    } else if (c === '/' && next === '*') {
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (i >= sql.length) unterminated('comment', start);
        else i++;
      } while (depth > 0);
      push('comment', start);
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      let value = '';
      for (;;) {
        if (i >= sql.length) unterminated('string', start);
        if (escapes && sql[i] === '\\') {
          value += sql.slice(i, i + 2);
          i += 2;
        } else if (sql[i] === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (sql[i] === "'") {
          i++;
          break;
        } else value += sql[i++];
      }
      push('string', start, value);
    } else if (c === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= sql.length) unterminated('quoted identifier', start);
        if (sql[i] === '"' && sql[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else value += sql[i++];
      }
      push('quoted', start, value);
    } else if (c === '$' && /[0-9]/.test(next ?? '')) {
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      push('param', start);
    } else if (c === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) unterminated('dollar-quoted string', start);
      i = close + tag.length;
      push('string', start, sql.slice(start + tag.length, close));
    } else if (WORD_START.test(c)) {
      while (i < sql.length && WORD_PART.test(sql[i])) i++;
      push('word', start, sql.slice(start, i).toLowerCase());
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      while (i < sql.length && /[0-9._]/.test(sql[i])) i++;
      if (/[eE]/.test(sql[i] ?? '') && /[0-9+-]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      }
      push('number', start);
    } else {
      i++;
      push('punct', start);
    }
  }
  return out;
}

/** The tokens that carry meaning: no spaces, no comments. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

/** A name a statement reads as a table (not a CTE it defines, not a table function). */
export interface TableRef {
  /** The name as the catalog knows tables: `table`, or `schema.table` when written qualified. */
  readonly name: string;
  readonly qualified: boolean;
  /** Offsets of the whole reference in the SQL (quotes and qualifiers included). */
  readonly start: number;
  readonly end: number;
}

/** Words after which a parenthesis is no function call (it groups, or holds a list or query). */
const NOT_A_FUNCTION = new Set([
  'from', 'join', 'in', 'exists', 'as', 'on', 'using', 'over', 'and', 'or', 'not', 'where', 'select', 'lateral',
  'any', 'all', 'some', 'values', 'when', 'then', 'else', 'case', 'by', 'having', 'qualify', 'with', 'materialized',
  'union', 'intersect', 'except', 'is', 'between', 'like', 'ilike', 'limit', 'offset', 'distinct', 'window',
]);
/** Words that open a query inside parentheses. */
const QUERY_START = new Set(['select', 'with', 'from', 'values', 'table']);
/** Words that end a FROM clause at its level. */
const FROM_ENDS = new Set([
  'where', 'group', 'having', 'qualify', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'select', 'returning', 'sample', 'tablesample',
]);

interface Level {
  /** Inside a function's parentheses: FROM and JOIN there are the function's own words. */
  readonly call: boolean;
  /** In this level's FROM clause: a comma starts another table. */
  inFrom: boolean;
  /** The names of the CTEs this level defines, lower case. */
  readonly ctes: Set<string>;
}

/**
 * The tables `sql` reads, in order of appearance, with where each is written. CTE names are not
 * tables where they are in scope (their WITH and the levels inside it), nor are table functions
 * (read_parquet(...)). Throws SqlTextError on SQL it cannot lex.
 */
export function tableRefs(sql: string): TableRef[] {
  const t = significant(sqlTokens(sql));
  const refs: TableRef[] = [];
  const levels: Level[] = [{ call: false, inFrom: false, ctes: new Set() }];
  const top = () => levels[levels.length - 1];
  const isWord = (k: number, ...words: string[]) => t[k]?.kind === 'word' && (words.length === 0 || words.includes(t[k].value));
  const isName = (k: number) => t[k]?.kind === 'word' || t[k]?.kind === 'quoted';
  const isPunct = (k: number, p: string) => t[k]?.kind === 'punct' && t[k].text === p;
  const inScope = (name: string) => levels.some((l) => l.ctes.has(name.toLowerCase()));

  /** Reads a table at token k (a FROM, JOIN or comma just before it); returns the index after it, or k. */
  const tableAt = (k: number): number => {
    while (isWord(k, 'lateral', 'only')) k++;
    if (!isName(k)) return k;
    const parts = [t[k].kind === 'quoted' ? t[k].value : t[k].text];
    let e = k + 1;
    while (isPunct(e, '.') && isName(e + 1)) {
      parts.push(t[e + 1].kind === 'quoted' ? t[e + 1].value : t[e + 1].text);
      e += 2;
    }
    if (isPunct(e, '(')) return k; // a table function: its arguments are read as any others
    const qualified = parts.length > 1;
    if (qualified || !inScope(parts[0])) refs.push({ name: parts.join('.'), qualified, start: t[k].start, end: t[e - 1].end });
    return e;
  };

  /** After WITH [RECURSIVE] at k: records each CTE name on this level (its body is read as any query). */
  const ctesAt = (k: number) => {
    let j = isWord(k, 'recursive') ? k + 1 : k;
    for (;;) {
      if (!isName(j)) return;
      const name = t[j].kind === 'quoted' ? t[j].value : t[j].text;
      top().ctes.add(name.toLowerCase());
      j++;
      if (isPunct(j, '(')) {
        let depth = 0;
        do {
          if (isPunct(j, '(')) depth++;
          else if (isPunct(j, ')')) depth--;
          j++;
        } while (depth > 0 && j < t.length);
      }
      if (!isWord(j, 'as')) return;
      j++;
      while (isWord(j, 'not', 'materialized')) j++;
      if (!isPunct(j, '(')) return;
      let depth = 0;
      do {
        if (isPunct(j, '(')) depth++;
        else if (isPunct(j, ')')) depth--;
        j++;
      } while (depth > 0 && j < t.length);
      if (!isPunct(j, ',')) return;
      j++;
    }
  };

  for (let k = 0; k < t.length; k++) {
    const tok = t[k];
    if (tok.kind === 'punct' && tok.text === '(') {
      const prev = t[k - 1];
      const opensQuery = isWord(k + 1) && QUERY_START.has(t[k + 1].value);
      const call = !opensQuery && prev !== undefined && (prev.kind === 'quoted' || (prev.kind === 'word' && !NOT_A_FUNCTION.has(prev.value)));
      // A parenthesis in a table's place groups tables: `FROM (a JOIN b ON ...)`.
      const grouping = !opensQuery && prev !== undefined && (isWord(k - 1, 'from', 'join') || (isPunct(k - 1, ',') && top().inFrom) || (isPunct(k - 1, '(') && top().inFrom));
      levels.push({ call, inFrom: grouping, ctes: new Set() });
      if (grouping) k = tableAt(k + 1) - 1;
      continue;
    }
    if (tok.kind === 'punct' && tok.text === ')') {
      if (levels.length > 1) levels.pop();
      continue;
    }
    if (top().call) continue;
    if (tok.kind === 'punct' && tok.text === ',' && top().inFrom) {
      k = tableAt(k + 1) - 1;
      continue;
    }
    if (tok.kind === 'punct' && tok.text === ';') {
      top().inFrom = false;
      continue;
    }
    if (tok.kind !== 'word') continue;
    if (tok.value === 'with' && !isWord(k + 1, 'ordinality')) {
      ctesAt(k + 1);
    } else if (tok.value === 'from') {
      // IS [NOT] DISTINCT FROM compares two values.
      if (isWord(k - 1, 'distinct') && isWord(k - 2, 'is', 'not')) continue;
      top().inFrom = true;
      k = tableAt(k + 1) - 1;
    } else if (tok.value === 'join') {
      top().inFrom = true;
      k = tableAt(k + 1) - 1;
    } else if (FROM_ENDS.has(tok.value)) {
      top().inFrom = false;
    }
  }
  return refs;
}

/** The distinct names `sql` reads as tables (see tableRefs), in order of appearance. */
export function referencedTables(sql: string): string[] {
  return [...new Set(tableRefs(sql).map((r) => r.name))];
}

/**
 * Rewrites each unqualified table reference to the reference `resolve` gives (a quoted view name
 * locally, `"database"."table"` on Athena); names it does not know stay as written. Strings,
 * comments and every other token are left as they are.
 */
export function bindTableRefs(sql: string, resolve: (table: string) => string | undefined): string {
  let out = '';
  let at = 0;
  for (const r of tableRefs(sql)) {
    if (r.qualified) continue;
    const ref = resolve(r.name);
    if (ref === undefined) continue;
    out += sql.slice(at, r.start) + ref;
    at = r.end;
  }
  return out + sql.slice(at);
}

/** Whether `sql` holds more than one statement: a `;` outside strings and comments with anything after it. */
export function hasSecondStatement(sql: string): boolean {
  const t = significant(sqlTokens(sql));
  const semi = t.findIndex((x) => x.kind === 'punct' && x.text === ';');
  return semi >= 0 && t.slice(semi + 1).some((x) => !(x.kind === 'punct' && x.text === ';'));
}

/** `sql` with each comment replaced by one space (a line comment keeps its line's end). */
export function withoutComments(sql: string): string {
  return sqlTokens(sql)
    .map((x) => (x.kind === 'comment' ? ' ' : x.text))
    .join('');
}

/**
 * Rewrites the qualifiers `name.` (a table or alias before a column) of an expression to `to.`,
 * for each name given (compared without case); strings, comments and quoted names are untouched.
 */
export function requalify(expression: string, names: readonly string[], to: string): string {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const tokens = sqlTokens(expression);
  return tokens
    .map((x, k) => {
      const before = tokens[k - 1];
      const qualifies = x.kind === 'word' && wanted.has(x.value) && tokens[k + 1]?.kind === 'punct' && tokens[k + 1].text === '.';
      // Not the second part of a longer name (`s.c.x`).
      const inner = before?.kind === 'punct' && before.text === '.';
      return qualifies && !inner ? to : x.text;
    })
    .join('');
}
