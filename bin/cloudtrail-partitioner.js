#!/usr/bin/env node
// Installed command: runs the TypeScript CLI through tsx, so the checkout needs no build step.
require('tsx/cjs');
require('./cli/main.ts').runCli(process.argv.slice(2));
