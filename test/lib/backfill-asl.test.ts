/**
 * asl-validator, a tool this project did not write, checks the backfill definition exactly as
 * the stack synthesizes it: JSONata states, retriers, catchers, the Map's item processor.
 */
import aslValidator from 'asl-validator';
import { buildStack } from './fixtures';

/** DefinitionString with its intrinsics resolved as CloudFormation would in one account. */
function resolvedDefinition(): Record<string, unknown> {
  const { template } = buildStack();
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
  const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const json = JSON.stringify(part);
      if (json === '{"Ref":"AWS::Partition"}') return 'aws';
      if (/"Fn::GetAtt":\["[A-Za-z0-9]+","Arn"\]/.test(json))
        return 'arn:aws:lambda:us-east-1:111122223333:function:partitioner';
      throw new Error(`unexpected intrinsic in the definition: ${json}`);
    })
    .join('');
  return JSON.parse(text) as Record<string, unknown>;
}

describe('backfill definition under asl-validator', () => {
  const definition = resolvedDefinition();

  it('is valid Amazon States Language, JSONata included, with ARNs and paths checked', () => {
    // GIVEN the synthesized definition WHEN validated
    const { isValid, errorsText } = aslValidator(definition);
    // THEN no finding
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
    expect(definition).toMatchObject({ QueryLanguage: 'JSONata' });
  });

  it('would catch a JSONPath field slipped into a JSONata state', () => {
    // GIVEN the same definition with a ResultPath (JSONPath only) on the split step
    const states = definition.States as Record<string, Record<string, unknown>>;
    const broken = {
      ...definition,
      States: { ...states, SplitWindow: { ...states.SplitWindow, ResultPath: '$.x' } },
    };
    // WHEN validated THEN it is refused: the check above can fail
    expect(aslValidator(broken).isValid).toBe(false);
  });
});
