// Maps the DDL column types to the types each engine and contract uses.
import type { DdlType } from './ddl';

export const DUCKDB_TYPE: Record<DdlType, string> = {
  STRING: 'VARCHAR',
  BIGINT: 'BIGINT',
  INT: 'INTEGER',
  DOUBLE: 'DOUBLE',
};

/** The Glue Data Catalog (Hive) type names, lower case as Glue stores them. */
export const GLUE_TYPE: Record<DdlType, string> = {
  STRING: 'string',
  BIGINT: 'bigint',
  INT: 'int',
  DOUBLE: 'double',
};

/** The JSON Schema `type` a landing record must carry for a column of this DDL type. */
export const JSON_SCHEMA_TYPE: Record<DdlType, 'string' | 'integer' | 'number'> = {
  STRING: 'string',
  BIGINT: 'integer',
  INT: 'integer',
  DOUBLE: 'number',
};
