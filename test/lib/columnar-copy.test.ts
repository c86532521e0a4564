/**
 * The columnar copy's storage, grants, outputs and environment: present with `columnarCopy`,
 * absent without it, and every grant scoped to the copy (its table ARN, its key prefix).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ENV, STACK_OUTPUT } from '../../lambda/core/shared/contract';
import { copyTableName } from '../../lambda/core/columnar/table';
import { actionsOf, buildStack, iamStatements, resourcesOf, unacknowledgedNagFindings } from './fixtures';

describe('columnar copy in the stack', () => {
  const on = buildStack({ columnarCopy: true, tableName: 'trail_logs', databaseName: 'audit' });
  const off = buildStack();

  it('gives the function the copy settings only when the option is on', () => {
    // GIVEN columnarCopy on / off
    // THEN the function's environment names the copy's location and its per-statement budget
    on.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.columnarCopy]: 'true',
          [ENV.columnarLocation]: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: Match.stringLikeRegexp('Results') }, '/columnar/audit/trail_logs_columnar/'],
            ],
          },
          // 80 % of the default 10 GiB workgroup cutoff: Athena cancels a query past the cutoff.
          [ENV.columnarStatementBytes]: String(Math.floor(10 * 1024 ** 3 * 0.8)),
        }),
      },
    });
    const vars = Object.values(off.template.findResources('AWS::Lambda::Function'))
      .map((fn) => Object.keys(fn.Properties.Environment?.Variables ?? {}))
      .flat();
    expect(vars).not.toContain(ENV.columnarCopy);
    expect(vars).not.toContain(ENV.columnarLocation);
  });

  it('grants Glue writes on the copy table only, and S3 writes and deletes under its prefix only', () => {
    // WHEN the function's statements are read
    const statements = iamStatements(on.template);
    const glue = statements.find((s) => s.Sid === 'KeepColumnarTable');
    const data = statements.find((s) => s.Sid === 'WriteColumnarData');
    const list = statements.find((s) => s.Sid === 'ListColumnarData');
    // THEN CreateTable/UpdateTable name the copy's ARN and no other table
    expect(actionsOf(glue!)).toEqual(
      expect.arrayContaining(['glue:CreateTable', 'glue:UpdateTable', 'glue:GetTable']),
    );
    const tables = JSON.stringify(resourcesOf(glue!));
    expect(tables).toContain(':table/audit/trail_logs_columnar');
    expect(tables).not.toMatch(/:table\/audit\/trail_logs"/);
    // AND Iceberg's deletes (VACUUM, OPTIMIZE) are allowed under the copy's prefix only
    expect(actionsOf(data!)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    );
    expect(JSON.stringify(resourcesOf(data!))).toContain('/columnar/audit/trail_logs_columnar/*');
    expect(list!.Condition).toEqual({
      StringLike: {
        's3:prefix': ['columnar/audit/trail_logs_columnar/', 'columnar/audit/trail_logs_columnar/*'],
      },
    });
    // AND the conversion may read the trail's log objects (registering only lists them)
    const read = statements.find((s) => s.Sid === 'ReadTrailLogsToConvert');
    expect(actionsOf(read!)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(resourcesOf(read!))).toContain(':s3:::example-trail-bucket/AWSLogs/*');
    // AND nothing anywhere may delete objects outside the copy
    const deletes = statements.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    // AND without the option none of these exist
    const offSids = iamStatements(off.template).map((s) => s.Sid);
    expect(offSids).not.toContain('KeepColumnarTable');
    expect(offSids).not.toContain('WriteColumnarData');
    expect(offSids).not.toContain('ReadTrailLogsToConvert');
  });

  it('keeps the copy: the results bucket expires results/ only and is retained', () => {
    // THEN the only expiring rule is limited to results/, and columnar/ only aborts stale uploads
    for (const built of [on, off]) {
      const buckets = Object.values(built.template.findResources('AWS::S3::Bucket'));
      const rules = buckets.flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? []);
      for (const rule of rules.filter((r: { ExpirationInDays?: number }) => r.ExpirationInDays))
        expect(rule.Prefix).toBe('results/');
      expect(rules).toContainEqual(
        expect.objectContaining({
          Prefix: 'columnar/',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }),
      );
    }
    on.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the copy table and location only with the option', () => {
    on.template.hasOutput(STACK_OUTPUT.columnarTableName, { Value: `audit.${copyTableName('trail_logs')}` });
    on.template.hasOutput(STACK_OUTPUT.columnarCopyLocation, {
      Value: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/columnar/audit/trail_logs_columnar/']] },
    });
    expect(Object.keys(off.template.findOutputs('*'))).not.toContain(STACK_OUTPUT.columnarTableName);
    expect(Object.keys(off.template.findOutputs('*'))).not.toContain(STACK_OUTPUT.columnarCopyLocation);
  });

  it('grants Lake Formation CREATE_TABLE on the database with the option, not without', () => {
    // GIVEN Lake Formation permissions with and without the copy
    const lfOn = buildStack({ columnarCopy: true, lakeFormationPermissions: true });
    const lfOff = buildStack({ lakeFormationPermissions: true });
    // THEN the creator of the copy (the function) gets CREATE_TABLE; it owns the table it creates
    lfOn.template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Resource: { Database: Match.objectLike({ Name: 'cloudtrail' }) },
      Permissions: ['DESCRIBE', 'CREATE_TABLE'],
    });
    lfOff.template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Resource: { Database: Match.objectLike({ Name: 'cloudtrail' }) },
      Permissions: ['DESCRIBE'],
    });
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    expect(unacknowledgedNagFindings(on.stack)).toEqual([]);
  });

  it("gives the stack's QueryPolicy read access to the copy only when the option is on", () => {
    // GIVEN the stack with and without the copy
    const policyText = (stack: typeof on): string =>
      JSON.stringify(stack.template.findResources('AWS::IAM::ManagedPolicy'));
    // THEN the analysts' policy names the copy's table and prefix with the option
    expect(policyText(on)).toContain(':table/audit/trail_logs_columnar');
    expect(policyText(on)).toContain('columnar/audit/trail_logs_columnar/');
    // AND nothing of the copy without it
    expect(policyText(off)).not.toContain('_columnar');
  });
});
