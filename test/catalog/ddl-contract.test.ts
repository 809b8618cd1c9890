import { loadCatalog } from '../../src/catalog/registry';
import { JSON_SCHEMA_TYPE } from '../../src/catalog/column-types';

const catalog = loadCatalog();

describe('landing DDL and JSON Schemas agree', () => {
  for (const ds of catalog.datasets) {
    const props = ds.schema.properties as Record<string, { type: string }>;
    const required = new Set(ds.schema.required as string[]);

    it(`${ds.dataset}: the schema names exactly the DDL's columns`, () => {
      expect(Object.keys(props).sort()).toEqual(ds.table.columns.map((c) => c.name).sort());
    });

    it(`${ds.dataset}: each column's JSON type matches its DDL type`, () => {
      for (const c of ds.table.columns) expect([c.name, props[c.name].type]).toEqual([c.name, JSON_SCHEMA_TYPE[c.type]]);
    });

    it(`${ds.dataset}: required fields are DDL columns`, () => {
      for (const r of required) expect(ds.table.columns.map((c) => c.name)).toContain(r);
    });
  }
});

describe('accounting SQL and landing DDL agree', () => {
  for (const ds of catalog.datasets) {
    // An exact duplicate is a record equal in every column: the accounting compares whole records,
    // with DISTINCT * or by grouping the landing table by every column (else a new column would
    // make different records duplicates).
    it(`${ds.dataset}: the accounting tells duplicates apart by every DDL column`, () => {
      const sql = ds.accountingSql.replace(/--[^\n]*\n/g, '\n');
      const grouped = /GROUP BY\s+(\w+\.\w+(?:,\s*\w+\.\w+)*)/i.exec(sql);
      if (grouped) {
        expect(grouped[1].split(',').map((c) => c.trim().replace(/^\w+\./, '')).sort()).toEqual(ds.table.columns.map((c) => c.name).sort());
      } else {
        expect(sql).toMatch(new RegExp(`SELECT DISTINCT \\* FROM ${ds.table.name}\\b`));
      }
    });
  }
});
