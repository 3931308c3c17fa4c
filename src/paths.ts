import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The repository root (the directory holding our package.json), from src/ or from the bundled dist/. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'foundry.toml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('searcher: cannot find the project root (package.json + foundry.toml)');
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}
