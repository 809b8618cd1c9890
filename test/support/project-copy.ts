// A copy of the catalog folders (ddl/, glue/sql/, quality-rules/) that a test may break.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/catalog/registry';
import { CATALOG_FOLDERS } from './catalog-folders';
import { tempDir } from './tmp';

export function copyCatalogFolders(): string {
  const root = tempDir('stedi-project-');
  for (const dir of CATALOG_FOLDERS) cpSync(join(PROJECT_ROOT, dir), join(root, dir), { recursive: true });
  return root;
}
