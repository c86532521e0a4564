import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The three KMS actions Athena's guide lists for every policy that reaches an encrypted Glue
 * Data Catalog ("access from Athena to encrypted metadata in the Glue Data Catalog"): Glue
 * decrypts what it reads and encrypts what it writes (partitions, the index) with the caller's
 * credentials. Scoped to the one key.
 */
export const CATALOG_KEY_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

export function catalogKeyStatement(keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'UseGlueCatalogKey',
    actions: [...CATALOG_KEY_ACTIONS],
    resources: [keyArn],
  });
}
