#!/usr/bin/env node
// Entry point of the `searcher` command. The CLI is bundled into dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('searcher: dist/main.js is missing; run `npm install` (or `npm run build`) in the repository root\n');
  process.exit(1);
}
const { run, installFatalHandlers } = await import(main);
installFatalHandlers();
process.exitCode = await run(process.argv.slice(2));
