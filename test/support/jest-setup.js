// Runs before every test file. The AWS SDK warns once per process on Node.js < 22 that future
// releases will need 22 (@aws-sdk/core's emitWarningIfUnsupportedVersion); the suite runs on 20
// in CI, and the warning would bury real errors. The SDK's own switch turns it off; spawned
// CLI processes inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
