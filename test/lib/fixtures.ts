/**
 * Shared builders for the construct tests. Bundling is skipped (`aws:cdk:bundling-stacks: []`)
 * so a stack synthesizes in milliseconds; test/bin/app.test.ts bundles once for real.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CloudTrailPartitionerStack } from '../../lib/cloudtrail-partitioner-stack';
import type { CloudTrailPartitionerProps } from '../../lib/cloudtrail-partitioner';
import { CDK_JSON_CONTEXT } from '../support/cdk-context';

export const TRAIL_BUCKET = 'example-trail-bucket';

/** An App that never runs esbuild. */
export function newApp(): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
}

export function newStack(id = 'Test'): Stack {
  return new Stack(newApp(), id);
}

export interface BuiltStack {
  readonly stack: CloudTrailPartitionerStack;
  readonly template: Template;
}

export function buildStack(props: Partial<CloudTrailPartitionerProps> = {}, id = 'Test'): BuiltStack {
  const stack = new CloudTrailPartitionerStack(newApp(), id, { trailBucketName: TRAIL_BUCKET, ...props });
  return { stack, template: Template.fromStack(stack) };
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Sid?: string;
}

/** Every statement of every IAM policy and inline role policy in the template. */
export function iamStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) statements.push(...inline.PolicyDocument.Statement);
  }
  return statements;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Statements of the one policy attached to the role with this logical ID prefix. */
export function statementsOfRole(template: Template, roleIdPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(roleIdPrefix)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Names of the cdk-nag AWS Solutions findings nobody acknowledged. */
export function unacknowledgedNagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.map(
    (violation) =>
      `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
  );
}

/** The state machine definition with every CloudFormation intrinsic replaced by a placeholder. */
export function stateMachineDefinition(template: Template): {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
} {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  const definition = machines[0].Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof definition === 'string'
      ? definition
      : definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}
