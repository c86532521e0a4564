/**
 * What to do about the AWS errors a person meets running the CLI: each names the setting or the
 * permission, and the fix. Matched on the SDK's and the services' own words.
 */

const QUERY_POLICY = "attach the stack's QueryPolicyArn managed policy (an output of the stack) to your role";

/** The action and resource of an IAM denial: `is not authorized to perform: glue:GetTable on resource: arn:...`. */
function denial(message: string): { action: string; resource?: string } | undefined {
  const match =
    /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)(?: on resource:? (\S+?))?(?:[ ,.;]|$)/.exec(
      message,
    );
  return match ? { action: match[1], ...(match[2] ? { resource: match[2] } : {}) } : undefined;
}

/** A parenthesised line saying what to do, or '' when the message is not one of these. */
export function whatToDo(message: string): string {
  if (/region is missing|region not accepted/i.test(message))
    return '\n(set AWS_REGION, or AWS_PROFILE with a region, for the account to use)';
  if (/could not load credentials/i.test(message)) {
    return '\n(no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`)';
  }
  if (
    /expired ?token|token (has|is) expired|security token included in the request is expired|session has expired/i.test(
      message,
    )
  ) {
    return "\n(your AWS session has expired: run `aws sso login` (or renew AWS_SESSION_TOKEN / your profile's credentials) and run the command again)";
  }
  const denied = denial(message);
  if (denied) {
    const on = denied.resource ? ` on ${denied.resource}` : '';
    if (denied.action === 'cloudformation:DescribeStacks')
      return `\n(your role may not read the stack's outputs: allow cloudformation:DescribeStacks${on}, or give --workgroup, --database and --table)`;
    return `\n(your role lacks ${denied.action}${on}: ${QUERY_POLICY}, or allow that action)`;
  }
  if (
    /permission denied on s3 path|access denied when writing (output|to)|s3.*access denied|access denied.*s3/i.test(
      message,
    )
  ) {
    return `\n(S3 refused access: reading the trail logs needs s3:GetObject and s3:ListBucket on the trail bucket's AWSLogs/ prefix, and results need s3:PutObject/s3:GetObject on the results prefix; ${QUERY_POLICY}; a bucket in another account must also allow your role in its bucket policy, and SSE-KMS logs need kms:Decrypt on their key)`;
  }
  if (/^access ?denied/i.test(message) || /AccessDenied/.test(message))
    return `\n(access denied: ${QUERY_POLICY}, or ask for the permission named above)`;
  return '';
}
