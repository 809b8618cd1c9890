// What a role needs of the environment key to read or change the Glue Data Catalog, which the
// lakehouse encrypts with that key (stacks/catalog/glue-catalog.ts).
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from './policy-document';

/**
 * Catalog encryption is a setting of the account's Data Catalog, not of our databases: every
 * caller of GetTable, GetTables, UpdateTable (and Athena on its behalf) needs these three on the
 * catalog's key ("Configuring access to encrypted metadata in the AWS Glue Data Catalog", Athena
 * user guide). kms:ViaService holds them to requests Glue makes for the role: the key decrypts
 * nothing else for it this way.
 */
export function useEncryptedCatalog(names: ResourceNames, keyArn: string): PolicyStatement {
  return {
    sid: 'UseEncryptedCatalog',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    resources: [keyArn],
    conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`glue.${names.region}.amazonaws.com`] }],
  };
}
