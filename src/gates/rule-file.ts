// Reads quality-rules/rules/*.sql: each a SELECT returning the failing rows, under a short header.
//
//   -- severity: error            (error blocks promotion, warn reports)
//   -- tolerance: 0               (failing rows allowed: a count, or a share of the table like 0.5%)
//   -- description: one sentence a reviewer reads in the report
//   SELECT ... failing rows ...
//
// The rule's name is its file name; the tables it checks are the tables its SQL reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { BUILT_ZONES, referencedTables, type BuiltZone, type Catalog } from '../catalog/registry';
import { OperatorError } from '../errors/operator-error';
import { hasSecondStatement, significant, SqlTextError, sqlTokens, tableRefs, withoutComments, withoutTrailing } from '../catalog/sql-text';

export const SEVERITIES = ['error', 'warn'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Tolerance {
  /** Failing rows allowed. */
  readonly rows?: number;
  /** Failing rows allowed as a share (0..1) of the checked table's rows (predicate rules only). */
  readonly share?: number;
}

/** A rule of the form `SELECT * FROM <table> [alias] WHERE <predicate>`: batched, one scan per table. */
export interface PredicateForm {
  readonly table: string;
  readonly alias?: string;
  readonly where: string;
}

export interface Rule {
  readonly name: string;
  readonly file: string;
  /** Line of the SELECT in the file, for messages. */
  readonly sqlLine: number;
  readonly severity: Severity;
  readonly tolerance: Tolerance;
  readonly description: string;
  readonly sql: string;
  readonly tables: readonly string[];
  /** The audit that runs the rule: the latest zone among its tables. */
  readonly zone: BuiltZone;
  readonly predicate?: PredicateForm;
}

export class RuleFileError extends OperatorError {
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'RuleFileError';
  }
}

const HEADER = /^--\s*(\w+)\s*:\s*(.*?)\s*$/;
/**
 * Words that make a WHERE clause more than a predicate over one row (GROUP and ORDER when BY
 * follows). FROM is not among them: EXTRACT(... FROM ...) and IS DISTINCT FROM are predicates; a
 * FROM that reads a table is a second table reference, which a predicate has none of.
 */
const NOT_A_PREDICATE = new Set([
  'select', 'join', 'where', 'having', 'qualify', 'window', 'limit', 'offset', 'fetch', 'union', 'intersect', 'except', 'over',
  // USING only as USING SAMPLE here; SAMPLE and VALUES alone may be column names or a row-level IN (VALUES ...).
  'using', 'tablesample', 'table', 'pivot', 'unpivot', 'returning',
]);
const BARE_NAME = /^[A-Za-z_]\w*$/;

/**
 * The rule as `SELECT * FROM <table> [[AS] <alias>] WHERE <predicate>`, read from its tokens (a
 * word inside a string or comment is no keyword), or undefined when it has another form.
 */
function predicateForm(sql: string): PredicateForm | undefined {
  const tokens = sqlTokens(sql);
  const t = significant(tokens);
  const word = (k: number, w?: string) => t[k]?.kind === 'word' && (w === undefined || t[k].value === w);
  if (!word(0, 'select') || t[1]?.text !== '*' || !word(2, 'from') || !word(3) || !BARE_NAME.test(t[3].text)) return undefined;
  let k = 4;
  let alias: string | undefined;
  if (word(k, 'as') && word(k + 1) && BARE_NAME.test(t[k + 1].text)) {
    alias = t[k + 1].text;
    k += 2;
  } else if (word(k) && !word(k, 'where') && BARE_NAME.test(t[k].text)) {
    alias = t[k].text;
    k += 1;
  }
  if (!word(k, 'where') || k + 1 >= t.length) return undefined;
  const rest = t.slice(k + 1);
  for (const [j, x] of rest.entries()) {
    // A word after a dot is a column (`c.limit`), not a keyword.
    if (x.kind !== 'word' || (j > 0 && rest[j - 1].text === '.')) continue;
    if (NOT_A_PREDICATE.has(x.value)) return undefined;
    if ((x.value === 'group' || x.value === 'order') && rest[j + 1]?.kind === 'word' && rest[j + 1].value === 'by') return undefined;
  }
  if (tableRefs(sql).length !== 1) return undefined;
  const where = withoutComments(sql.slice(t[k].end)).trim();
  return { table: t[3].text, alias, where };
}

export function parseTolerance(text: string, file: string, line: number): Tolerance {
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (pct) {
    const share = Number(pct[1]) / 100;
    if (share > 1) throw new RuleFileError(file, line, `tolerance ${text} is over 100%`);
    return { share };
  }
  if (/^\d+$/.test(text)) return { rows: Number(text) };
  throw new RuleFileError(file, line, `tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "${text}"`);
}

export function parseRule(text: string, file: string, catalog: Catalog): Rule {
  const lines = text.split(/\r?\n/);
  const header: Record<string, { value: string; line: number }> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const m = HEADER.exec(line);
    if (m) {
      const key = m[1].toLowerCase();
      if (!['severity', 'tolerance', 'description'].includes(key)) {
        throw new RuleFileError(file, i + 1, `unknown header "${m[1]}"; expected severity, tolerance, description`);
      }
      if (header[key]) throw new RuleFileError(file, i + 1, `header "${key}" is given twice`);
      header[key] = { value: m[2], line: i + 1 };
    } else if (header.description) {
      // A comment line that is no header (HEADER takes every "-- word:" line) goes on the description.
      header.description.value += ' ' + line.replace(/^--\s?/, '');
    }
  }
  const sqlLine = i + 1;
  // Up to its last token of meaning: a final ";" or comment would cut off what the gate wraps around it.
  let sql: string;
  let secondStatement: boolean;
  const body = lines.slice(i).join('\n');
  try {
    sql = withoutTrailing(body.trim());
    secondStatement = hasSecondStatement(sql);
  } catch (e) {
    if (!(e instanceof SqlTextError)) throw e;
    // Where in the file: the lexed text starts after the body's leading spaces.
    const { line, reason } = new SqlTextError(e.what, e.offset + (body.length - body.trimStart().length)).at(body, sqlLine);
    throw new RuleFileError(file, line, reason);
  }
  if (!/^(SELECT|WITH)\b/i.test(sql)) throw new RuleFileError(file, sqlLine, 'a rule is a SELECT (or WITH ... SELECT) returning the failing rows');
  if (secondStatement) throw new RuleFileError(file, sqlLine, 'a rule is one statement; remove the extra ";"');
  const severity = header.severity?.value ?? '';
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    throw new RuleFileError(file, header.severity?.line ?? 1, `severity must be one of ${SEVERITIES.join(', ')} (got "${severity}")`);
  }
  if (!header.description?.value) throw new RuleFileError(file, 1, 'missing "-- description: ..." header');
  const tolerance = header.tolerance ? parseTolerance(header.tolerance.value, file, header.tolerance.line) : { rows: 0 };

  const tables = referencedTables(sql);
  if (!tables.length) throw new RuleFileError(file, sqlLine, 'the rule reads no table');
  const unknown = tables.filter((t) => !catalog.tables.has(t));
  if (unknown.length) throw new RuleFileError(file, sqlLine, `unknown table(s) ${unknown.join(', ')}; tables are defined in ddl/`);
  const zone = tables.some((t) => catalog.tables.get(t)!.zone === 'curated') ? 'curated' : BUILT_ZONES[0];

  const predicate = predicateForm(sql);
  if (tolerance.share !== undefined && !predicate) {
    throw new RuleFileError(file, header.tolerance!.line, 'a share tolerance needs a rule of the form SELECT * FROM <table> WHERE <predicate>');
  }
  return {
    name: basename(file, '.sql'),
    file,
    sqlLine,
    severity: severity as Severity,
    tolerance,
    description: header.description.value,
    sql,
    tables,
    zone,
    ...(predicate ? { predicate } : {}),
  };
}

export function loadRules(catalog: Catalog, dir: string = join(catalog.root, 'quality-rules', 'rules')): Rule[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return parseRule(readFileSync(path, 'utf8'), relative(catalog.root, path), catalog);
    });
}
