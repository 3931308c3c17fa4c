import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseFlags, UsageError } from './args.ts';
import { mainnetConfigTemplate } from './initTemplate.ts';
import { reportError } from './report.ts';

export const initUsage = `Usage: searcher init [--out FILE] [--force]

Writes a commented mainnet config with safe defaults: "submit": false (nothing is sent), every bundle simulated
first, breakers tighter than the defaults, the dashboard on localhost, the major builders listed (not contacted).
Fill in the node and the executor, then: searcher doctor --config FILE.

Options:
  --out FILE   where to write it (default mainnet.json in the working directory)
  --force      overwrite FILE if it exists (refused otherwise)
`;

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { out: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (flags.help) {
      process.stdout.write(initUsage);
      return 0;
    }
    // resolve('') is the working directory itself: the write would fail with "exists; pass --force".
    if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out is empty: give the config file to write (default mainnet.json)');
    const out = resolve(flags.out ?? 'mainnet.json');
    try {
      // 'wx' refuses an existing file in the same system call that creates it: no check-then-write race.
      if (!flags.force) writeFileSync(out, mainnetConfigTemplate(), { flag: 'wx', mode: 0o600 });
      else {
        // --force: a new 0600 file renamed over FILE, so an old file's mode is not kept and a symlink is replaced,
        // never written through.
        const temporary = `${out}.init-${process.pid}-${randomBytes(4).toString('hex')}`;
        writeFileSync(temporary, mainnetConfigTemplate(), { flag: 'wx', mode: 0o600 });
        try {
          renameSync(temporary, out);
        } catch (error) {
          rmSync(temporary, { force: true });
          throw error;
        }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`--out: ${out} exists; pass --force to overwrite it`);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && !isFolder(dirname(out))) throw new UsageError(`--out: the folder of ${out} does not exist`);
      // The folder exists but refuses the file (/proc, a read-only mount, no permission): say which call failed.
      throw new UsageError(`--out: cannot create ${out} in ${dirname(out)} (${code ?? (error as Error).message})`);
    }
    process.stdout.write(
      `searcher: wrote ${out} ("submit": false: nothing is sent)\n` +
        `next: fill in chain.rpcUrl, chain.wsUrl and chain.executor.address, then\n` +
        `  searcher doctor --config ${out}\n`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
