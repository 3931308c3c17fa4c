/**
 * Runs one CLI command module the way bin/searcher.js runs the bundled CLI (argv in, exit code out), straight
 * from src/ through tsx: for a command not yet registered in src/cli/main.ts.
 *
 * Usage: node --import tsx test/helpers/runCommand.ts src/cli/MODULE.ts [ARGS...]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [module, ...argv] = process.argv.slice(2);
const { run } = (await import(pathToFileURL(resolve(module!)).href)) as { run: (argv: string[]) => Promise<number> };
process.exitCode = await run(argv);
