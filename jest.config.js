/** Jest runs TypeScript and the ESM-only dt-sql-parser through esbuild: fast, and type checking is `npm run typecheck`'s job. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/test/support/esbuild-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!(dt-sql-parser|antlr4ng|antlr4-c3)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/support/jest-setup.js'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
