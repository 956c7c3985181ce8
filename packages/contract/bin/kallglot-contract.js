#!/usr/bin/env node
// kallglot-contract: `test` (the suite), `proxy` (validating proxy), `webhooks` (endpoint tester).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2), process.env);
