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
  constructor(
    /** What is left open: a string, a quoted identifier, a comment. */
    readonly what: string,
    /** Where it starts in the SQL. */
    readonly offset: number,
  ) {
    super(`unterminated ${what} at offset ${offset}`);
    this.name = 'SqlTextError';
  }

  /** The reason as a file's reader wants it: `<line>: unterminated <what> starting at column <n>`, `text` being what was lexed and `firstLine` its line in the file. */
  at(text: string, firstLine = 1): { line: number; reason: string } {
    const before = text.slice(0, this.offset);
    const newlines = before.split('\n').length - 1;
    const column = this.offset - (before.lastIndexOf('\n') + 1) + 1;
    return { line: firstLine + newlines, reason: `unterminated ${this.what} starting at column ${column}` };
  }
}

// Non-ASCII letters are word characters; non-ASCII spaces (U+00A0, U+3000...) are spaces, as DuckDB strips them.
const WORD_START = /[^\s\x00-\x40\x5b-\x5e\x60\x7b-\x7f]/;
const WORD_PART = /[^\s\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]/;
/** A dollar quote's opening tag: $$ or $tag$, the tag an identifier. */
const DOLLAR_TAG = /^\$(?:[^\s\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\s\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*)?\$/;

/** The tokens of `sql`, spaces and comments included, so that their texts join to `sql`. */
export function sqlTokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, value?: string) => {
    const text = sql.slice(start, i);
    out.push({ kind, start, end: i, text, value: value ?? text });
  };
  const unterminated = (what: string, start: number) => {
    throw new SqlTextError(what, start);
  };
  while (i < sql.length) {
    const start = i;
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i])) i++;
      push('space', start);
    } else if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
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
    } else if (c === '$' && DOLLAR_TAG.test(sql.slice(i, i + 256))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 256))![0];
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
  'pivot', 'unpivot', 'key',
]);
/** Words that open a query inside parentheses. */
const QUERY_START = new Set(['select', 'with', 'from', 'values', 'table', 'pivot', 'unpivot']);
/** Words that end a FROM clause at its level. */
const FROM_ENDS = new Set(['where', 'group', 'having', 'qualify', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'select', 'returning']);
/** Words after which `TABLE t` (and a statement-level PIVOT or UNPIVOT) reads a table. */
const QUERY_BOUNDARY = new Set(['union', 'intersect', 'except', 'all', 'distinct', 'by']);

interface Level {
  /** Inside a function's parentheses (or a list or struct literal): FROM, JOIN and commas there are not the query's. */
  readonly call: boolean;
  /** In this level's FROM clause: a comma starts another table. */
  inFrom: boolean;
  /** The names of the CTEs this level defines so far, lower case. */
  readonly ctes: Set<string>;
  /** CTE names that come into scope when the token at that index (the end of their body) is passed. */
  readonly pending: Map<number, string[]>;
  /** A recursive CTE's name, in scope inside its own body: the body's opening parenthesis. */
  readonly selfScoped: Map<number, string>;
}

/**
 * The tables `sql` reads, in order of appearance, with where each is written. A CTE name is no
 * table where it is in scope: after its body, in its WITH's query and the later CTEs; inside its
 * own body only when it recurses (WITH RECURSIVE, a UNION in its body), as DuckDB binds it. Table functions (read_parquet(...)) are no tables; a file named
 * as a table (`FROM 'x.json'`) is one, named by its path. Throws SqlTextError on SQL it cannot lex.
 */
export function tableRefs(sql: string): TableRef[] {
  const t = significant(sqlTokens(sql));
  const refs: TableRef[] = [];
  const newLevel = (call: boolean, inFrom: boolean): Level => ({ call, inFrom, ctes: new Set(), pending: new Map(), selfScoped: new Map() });
  const levels: Level[] = [newLevel(false, false)];
  const top = () => levels[levels.length - 1];
  const isWord = (k: number, ...words: string[]) => t[k]?.kind === 'word' && !afterDot(k) && (words.length === 0 || words.includes(t[k].value));
  const isName = (k: number) => t[k]?.kind === 'word' || t[k]?.kind === 'quoted';
  const isPunct = (k: number, p: string) => t[k]?.kind === 'punct' && t[k].text === p;
  // A word after a dot is a column or field name (`m.from`, `a.order`), never a keyword.
  const afterDot = (k: number) => t[k - 1]?.kind === 'punct' && t[k - 1].text === '.';
  const inScope = (name: string) => levels.some((l) => l.ctes.has(name.toLowerCase()));
  const nameOf = (k: number) => (t[k].kind === 'quoted' || t[k].kind === 'string' ? t[k].value : t[k].text);
  /** The index of the parenthesis that closes the one at k. */
  const closing = (k: number) => {
    let depth = 0;
    do {
      if (isPunct(k, '(')) depth++;
      else if (isPunct(k, ')')) depth--;
      k++;
    } while (depth > 0 && k < t.length);
    return k - 1;
  };

  /** Whether the parentheses opening at k hold a UNION of their own (not one of a nested query). */
  const unionAtTop = (k: number) => {
    let depth = 0;
    for (let j = k; j < t.length; j++) {
      if (isPunct(j, '(')) depth++;
      else if (isPunct(j, ')') && --depth === 0) return false;
      else if (depth === 1 && isWord(j, 'union')) return true;
    }
    return false;
  };

  /** Reads a table at token k (a FROM, JOIN or comma just before it); returns the index after it, or k. */
  const tableAt = (k: number): number => {
    while (isWord(k, 'lateral', 'only')) k++;
    if (t[k]?.kind === 'string') {
      refs.push({ name: t[k].value, qualified: false, start: t[k].start, end: t[k].end });
      return k + 1;
    }
    if (!isName(k)) return k;
    const parts = [nameOf(k)];
    let e = k + 1;
    while (isPunct(e, '.') && isName(e + 1)) {
      parts.push(nameOf(e + 1));
      e += 2;
    }
    if (isPunct(e, '(')) return k; // a table function: its arguments are read as any others
    const qualified = parts.length > 1;
    if (qualified || !inScope(parts[0])) refs.push({ name: parts.join('.'), qualified, start: t[k].start, end: t[e - 1].end });
    return e;
  };

  /** After WITH [RECURSIVE] at k: when each CTE name comes into scope on this level (its body is read as any query). */
  const ctesAt = (k: number) => {
    const recursive = isWord(k, 'recursive');
    let j = recursive ? k + 1 : k;
    const level = top();
    for (;;) {
      if (!isName(j)) return;
      const name = nameOf(j).toLowerCase();
      j++;
      if (isPunct(j, '(')) j = closing(j) + 1; // column names
      if (isWord(j, 'using') && isWord(j + 1, 'key') && isPunct(j + 2, '(')) j = closing(j + 2) + 1;
      if (!isWord(j, 'as')) return;
      j++;
      while (isWord(j, 'not', 'materialized')) j++;
      if (!isPunct(j, '(')) return;
      const end = closing(j);
      level.pending.set(end, [...(level.pending.get(end) ?? []), name]);
      if (recursive && unionAtTop(j)) level.selfScoped.set(j, name);
      j = end + 1;
      if (!isPunct(j, ',')) return;
      j++;
    }
  };

  for (let k = 0; k < t.length; k++) {
    const tok = t[k];
    if (tok.kind === 'punct' && (tok.text === '[' || tok.text === '{')) {
      levels.push(newLevel(true, false));
      continue;
    }
    if (tok.kind === 'punct' && tok.text === '(') {
      const prev = t[k - 1];
      const opensQuery = isWord(k + 1) && QUERY_START.has(t[k + 1].value);
      const call = !opensQuery && prev !== undefined && (prev.kind === 'quoted' || (prev.kind === 'word' && (afterDot(k - 1) || !NOT_A_FUNCTION.has(prev.value))));
      // A parenthesis in a table's place groups tables: `FROM (a JOIN b ON ...)`.
      const grouping = !opensQuery && prev !== undefined && (isWord(k - 1, 'from', 'join') || (isPunct(k - 1, ',') && top().inFrom) || (isPunct(k - 1, '(') && top().inFrom));
      const self = top().selfScoped.get(k);
      levels.push(newLevel(call, grouping));
      if (self !== undefined) top().ctes.add(self);
      if (grouping) k = tableAt(k + 1) - 1;
      continue;
    }
    if (tok.kind === 'punct' && (tok.text === ')' || tok.text === ']' || tok.text === '}')) {
      if (levels.length > 1) levels.pop();
      // The end of a CTE body: its name is in scope from here on.
      for (const name of top().pending.get(k) ?? []) top().ctes.add(name);
      continue;
    }
    if (top().call) continue;
    if (tok.kind === 'punct' && tok.text === ',' && top().inFrom) {
      k = tableAt(k + 1) - 1;
      continue;
    }
    if (tok.kind === 'punct' && tok.text === ';') {
      // A new statement: nothing of the last one is in scope.
      levels.splice(0, levels.length, newLevel(false, false));
      continue;
    }
    if (tok.kind !== 'word' || afterDot(k)) continue;
    const v = tok.value;
    const startsQuery = k === 0 || isPunct(k - 1, '(') || isPunct(k - 1, ';') || (isWord(k - 1) && QUERY_BOUNDARY.has(t[k - 1].value));
    if (v === 'with' && !isWord(k + 1, 'ordinality')) {
      ctesAt(k + 1);
    } else if (v === 'from') {
      // IS [NOT] DISTINCT FROM compares two values.
      if (isWord(k - 1, 'distinct') && isWord(k - 2, 'is', 'not')) continue;
      top().inFrom = true;
      k = tableAt(k + 1) - 1;
    } else if (v === 'join') {
      top().inFrom = true;
      k = tableAt(k + 1) - 1;
    } else if ((v === 'table' || v === 'pivot' || v === 'unpivot') && startsQuery) {
      k = tableAt(k + 1) - 1;
    } else if (FROM_ENDS.has(v)) {
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

/** `sql` without what follows its last token of meaning: trailing spaces, comments and semicolons. */
export function withoutTrailing(sql: string): string {
  const t = significant(sqlTokens(sql));
  let last = t.length - 1;
  while (last >= 0 && t[last].kind === 'punct' && t[last].text === ';') last--;
  return last < 0 ? '' : sql.slice(0, t[last].end);
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
