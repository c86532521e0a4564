/**
 * What to do about access denied, appended to the error where it is classified, so the
 * function's log, its failure text and the CLI all carry the same advice. The two causes IAM
 * in this stack cannot fix: a trail bucket in another account (its bucket policy decides),
 * a catalog under Lake Formation (its grants decide) and a catalog encrypted with a KMS key
 * (the `glueCatalogKmsKeyArn` setting and the key's policy decide).
 */
import { ADD_CALLS, DROP_CALLS, READ_CALLS, tablePermissionsFor } from '../catalog/lake-formation';
import { STACK_OUTPUT } from '../shared/contract';
import type { Report } from './report';

/** The setting (prop and `-c` context key) that grants the Lake Formation permissions. */
export const LAKE_FORMATION_SETTING = 'lakeFormationPermissions';
/** The setting that grants the roles use of the key an encrypted Glue Data Catalog is under. */
export const CATALOG_KEY_SETTING = 'glueCatalogKmsKeyArn';
/** The stack output holding the role a cross-account bucket policy must name. */
export const ROLE_OUTPUT = STACK_OUTPUT.functionRoleArn;

/** For Glue and Athena DDL denied: Lake Formation grants, when IAM already allows the call. */
export function lakeFormationHint(): string {
  return (
    ` (if Lake Formation permissions are in force on this catalog, i.e. the database has no IAMAllowedPrincipals grant, IAM alone is not enough:` +
    ` deploy with ${LAKE_FORMATION_SETTING}=true, e.g. -c ${LAKE_FORMATION_SETTING}=true, so the stack grants the function's role the Lake Formation permissions it needs;` +
    ` for the CLI, grant your own principal DESCRIBE on the database and, on the table, ${tablePermissionsFor(READ_CALLS).join(', ')} to read it` +
    ` (query, audit), ${tablePermissionsFor(ADD_CALLS).join(', ')} to add partitions (run, backfill, audit --repair)` +
    ` and ${tablePermissionsFor(DROP_CALLS).join(', ')} only to drop them (audit --retention-days --repair))`
  );
}

/** For a denial that names KMS: the Glue Data Catalog is encrypted and the role may not use its key. */
export function catalogKeyHint(): string {
  return (
    ` (the Glue Data Catalog looks encrypted with a KMS key this role may not use: deploy with ${CATALOG_KEY_SETTING}=<key ARN>,` +
    ` e.g. -c ${CATALOG_KEY_SETTING}=arn:aws:kms:REGION:ACCOUNT:key/KEY-ID, so the stack grants kms:Decrypt, kms:Encrypt and kms:GenerateDataKey on it,` +
    ` and make sure the key policy lets IAM policies of this account grant its use; for the CLI, your own principal needs the same three actions on the key)`
  );
}

/** KMS wording in a Glue, Athena or KMS denial: the encrypted catalog's key, not the catalog grants, is the likely cause. */
const KMS_WORDING = /\b(aws)?kms\b|kms:|key ?management|GenerateDataKey|KMSAccessDenied/i;

/** The hint for a catalog or DDL denial: the catalog key when the message names KMS, else Lake Formation. */
export function accessDeniedHint(message: string): string {
  return KMS_WORDING.test(message) ? catalogKeyHint() : lakeFormationHint();
}

/** For S3 listing denied: most often a trail bucket in another account whose policy does not name us yet. */
export function bucketPolicyHint(bucket: string): string {
  return (
    ` (if ${bucket} belongs to another account, its bucket policy must allow s3:ListBucket and s3:GetBucketLocation` +
    ` to the function's role, the stack output ${ROLE_OUTPUT} (or to your own principal, for the CLI);` +
    ` once it does, the next scheduled run succeeds, and a failed initial backfill can be started again with the StateMachineBackfillCommand output)`
  );
}

const LAKE_FORMATION_WORDING = /lake ?formation|insufficient .*permission|not authorized to perform: glue:/i;

/** Athena's failure reason for a statement, with the catalog-key or Lake Formation hint when the reason is a permissions one. */
export function withQueryFailureHint(reason: string): string {
  if (reason.includes(LAKE_FORMATION_SETTING) || reason.includes(CATALOG_KEY_SETTING)) return reason;
  if (KMS_WORDING.test(reason)) return `${reason}${catalogKeyHint()}`;
  return LAKE_FORMATION_WORDING.test(reason) ? `${reason}${lakeFormationHint()}` : reason;
}

/** Appended to a failed run's one-line summary: the first failure that carries a hint, so the Errors alarm's log line says what to do. */
export function failureHint(report: Pick<Report, 'failures'>): string {
  const hinted = report.failures.find(
    (failure) =>
      failure.reason?.includes(LAKE_FORMATION_SETTING) || failure.reason?.includes(CATALOG_KEY_SETTING),
  );
  return hinted ? `; first failure: ${hinted.reason}` : '';
}
