// The Glue Data Catalog of one environment: a database per zone and a staging database, a table
// per ddl/ file in its zone's database and a staged copy of every table in staging, and catalog
// encryption with the environment's key. The pipeline moves table locations at run time (publish,
// staging), so Terraform ignores location changes instead of moving them back.
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { GlueDataCatalogEncryptionSettings } from '@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings';
import { Construct } from 'constructs';
import { GLUE_TYPE } from '../../src/catalog/column-types';
import type { TableDef } from '../../src/catalog/registry';
import { landingPrefix, RUN_ID_PARAMETER, tableFolder } from '../../src/catalog/run-layout';
import { DATABASE_ZONES, type DatabaseZone } from '../environment/resource-names';
import { GLUE_CATALOG_DEFAULTS, STORAGE_FORMATS, UNPUBLISHED_FOLDER, type GlueCatalogProps } from './glue-catalog-props';

export interface CatalogTable {
  /** The database the table is in: its zone's, or staging. */
  readonly database: DatabaseZone;
  readonly def: TableDef;
  readonly resource: GlueCatalogTable;
}

/** Terraform attributes the pipeline changes at run time (publish and staging re-point tables). */
export const RUN_TIME_ATTRIBUTES = ['storage_descriptor[0].location', `parameters["${RUN_ID_PARAMETER}"]`] as const;

export class GlueCatalog extends Construct {
  readonly databases: Readonly<Record<DatabaseZone, GlueCatalogDatabase>>;
  readonly tables: readonly CatalogTable[];
  readonly encryption: GlueDataCatalogEncryptionSettings;

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    const { names, storage } = props;
    const ignoreMalformed = props.ignoreMalformedLandingJson ?? GLUE_CATALOG_DEFAULTS.ignoreMalformedLandingJson;

    this.encryption = new GlueDataCatalogEncryptionSettings(this, 'encryption', {
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: props.key.key.arn },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: props.key.key.arn },
      },
    });

    const databases: Partial<Record<DatabaseZone, GlueCatalogDatabase>> = {};
    for (const zone of DATABASE_ZONES) {
      databases[zone] = new GlueCatalogDatabase(this, `database-${zone}`, {
        name: names.database(zone),
        description:
          zone === 'staging'
            ? `${names.prefix}: the tables of the run being audited, before publish`
            : `${names.prefix}: published ${zone} tables (ddl/${zone}/)`,
        dependsOn: [this.encryption],
      });
    }
    this.databases = databases as Record<DatabaseZone, GlueCatalogDatabase>;

    const tables: CatalogTable[] = [];
    const datasetOf = (table: string) => props.catalog.datasets.find((d) => d.table.name === table)!.dataset;
    // A table's folder (run-layout.ts) holds its run folders; until its first publish (or staging)
    // the table points at a folder in it that no run writes, so it reads as empty.
    const unpublished = (def: TableDef) => {
      const folder = tableFolder(def);
      return `s3://${storage.buckets[folder.bucket].name}/${folder.prefix}${UNPUBLISHED_FOLDER}`;
    };
    for (const def of props.catalog.tables.values()) {
      // Published: raw landing files for landing tables; the unpublished folder otherwise.
      const published = def.zone === 'landing' ? `s3://${storage.buckets.landing.name}/${landingPrefix(datasetOf(def.name))}` : unpublished(def);
      tables.push(this.table(def, def.zone, published, def.zone === 'landing' ? { 'ignore.malformed.json': String(ignoreMalformed).toUpperCase() } : {}));
    }
    for (const def of props.catalog.tables.values()) tables.push(this.table(def, 'staging', unpublished(def), {}));
    this.tables = tables;
  }

  private table(def: TableDef, database: DatabaseZone, location: string, serdeParameters: Record<string, string>): CatalogTable {
    const format = STORAGE_FORMATS[def.format];
    const movable = database !== 'landing';
    const resource = new GlueCatalogTable(this, `table-${database}-${def.name}`, {
      databaseName: this.databases[database].name,
      name: def.name,
      description: def.description,
      tableType: 'EXTERNAL_TABLE',
      parameters: { EXTERNAL: 'TRUE', classification: format.classification, stedi_ddl: def.file },
      storageDescriptor: {
        location,
        inputFormat: format.inputFormat,
        outputFormat: format.outputFormat,
        serDeInfo: { serializationLibrary: format.serializationLibrary, ...(Object.keys(serdeParameters).length ? { parameters: serdeParameters } : {}) },
        // Glue folds column names to lower case when it stores them; writing them lower case keeps
        // plans empty (nasa/cumulus#3953). Parquet and the OpenX JSON SerDe match names case-insensitively.
        columns: def.columns.map((c) => ({ name: c.name.toLowerCase(), type: GLUE_TYPE[c.type], comment: c.comment })),
      },
      ...(movable ? { lifecycle: { ignoreChanges: [...RUN_TIME_ATTRIBUTES] } } : {}),
    });
    return { database, def, resource };
  }
}
