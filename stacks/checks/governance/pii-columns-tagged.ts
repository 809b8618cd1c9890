// SECURITY-CHECKLIST 21: every column annotated as PII in ddl/ carries pii=yes in the synthesized stack.
import { NOT_APPLICABLE, type Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const PiiColumnsTagged: GovernanceCheck = {
  id: 'PiiColumnsTagged',
  source: 'SECURITY-CHECKLIST 21; DESIGN.md Lake Formation model',
  reason: "Grants exclude personal data by the pii tag; a PII column tagged pii=no (or inheriting it) is handed to every persona whose grant says 'without PII'.",
  remedy: "Keep the column's COMMENT 'pii: ...' in ddl/ and pass the table to LakeGovernance (governedTablesFromCatalog), which tags it with tagPiiColumns.",
  evaluate({ access }, context) {
    if (!context.catalog) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const t of access.classification) {
      const ddl = context.catalog.tables.get(t.table);
      if (!ddl) continue;
      for (const c of ddl.columns.filter((x) => x.pii)) {
        const col = t.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
        if (!col) findings.push({ resource: `${t.database}.${t.table}`, detail: `has no column ${c.name}, which ${ddl.file} marks as PII` });
        else if (!col.pii) findings.push({ resource: `${t.database}.${t.table}.${col.name}`, detail: `is PII in ${ddl.file} but its effective pii tag is no` });
      }
    }
    return findings;
  },
};
