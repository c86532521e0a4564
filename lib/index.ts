/**
 * Public API of the cloudtrail-partitioner package: what a CDK app imports from the installed
 * package. `CloudTrailPartitioner` is the construct; the stack wraps it with the outputs an
 * operator needs; the parts are exported for their types (the construct exposes them).
 */
export { CloudTrailPartitioner } from './cloudtrail-partitioner';
export type { CloudTrailPartitionerProps } from './partitioner-props';
export type { PartitionerSettings } from './validate-props';
export {
  CloudTrailPartitionerStack,
  type CloudTrailPartitionerStackProps,
} from './cloudtrail-partitioner-stack';
export { AthenaResults, type AthenaResultsProps } from './athena-results';
export { BackfillStateMachine, type BackfillStateMachineProps } from './backfill-state-machine';
export { CloudTrailTable, type CloudTrailTableProps } from './cloudtrail-table';
export { PartitionFunction, type PartitionFunctionProps } from './partition-function';
export { PartitionerAlarms, type PartitionerAlarmsProps } from './partitioner-alarms';
/** Metric names and namespace the function emits, for dashboards and alarms of your own. */
export { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION, STACK_OUTPUT } from '../lambda/core/shared/contract';
