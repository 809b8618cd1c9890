// The folders that make a catalog (loadCatalog(root) reads them): what a copy of the catalog holds.
import { join } from 'node:path';

export const CATALOG_FOLDERS = ['ddl', join('glue', 'sql'), 'quality-rules'] as const;
