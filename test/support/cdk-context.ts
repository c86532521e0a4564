import cdkJson from '../../cdk.json';

/**
 * The context `cdk synth` runs with (the recommended feature flags in cdk.json), so the tests
 * check the template a user deploys rather than the legacy defaults an App gets without it.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;
