// Builds what `npx searcher` runs: the TypeScript CLI bundled by esbuild (one chunk per command, so
// `--help` loads almost nothing) and the Solidity artifacts the devnet deploys (forge build).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const started = performance.now();

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const forgeBin = existsSync('node_modules/.bin/forge') ? 'node_modules/.bin/forge' : 'forge';
const forge = spawnSync(forgeBin, ['build', '--quiet'], { stdio: 'inherit', shell: false, env: process.env });
if (forge.error || forge.status !== 0) {
  console.error('build: `forge build` failed (forge comes from @foundry-rs/forge; run `npm install`)');
  process.exit(1);
}
if (!quiet) console.log(`build: dist/ and out/ ready in ${Math.round(performance.now() - started)} ms`);
