// Finds (or, on a fresh Debian CI machine running as root, installs) the Chromium the browser tests drive
// through playwright-core. playwright-core ships no browser, and its own downloader would reach the internet
// from a test; the distro package is what a fresh machine can get from its ordinary package manager.
//
//   node scripts/ensure-chromium.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensureChromium } from './scripts/ensure-chromium.mjs'   same, as a function (returns the path)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const defaultChromiumPath = '/usr/bin/chromium';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function aptGet(args) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    // Verbose apt output only matters when it fails; then we show its tail.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(
      `ensure-chromium: \`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ''}`,
    );
  }
}

/**
 * The path of a Chromium executable: $CHROMIUM_PATH when set, else /usr/bin/chromium; when missing on Debian
 * as root, installs the `chromium` package (quietly) and checks again. Throws an Error saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensureChromium(options = {}) {
  const env = options.env ?? process.env;
  const install = options.install ?? true;
  if (env.CHROMIUM_PATH) {
    if (executable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new Error(`ensure-chromium: CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file; fix or unset it`);
  }
  if (executable(defaultChromiumPath)) return defaultChromiumPath;

  const debian = existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!install || !debian || !root) {
    const why = !install ? 'installing was not allowed' : !debian ? 'this is not a Debian system' : 'not running as root';
    throw new Error(
      `ensure-chromium: no Chromium at ${defaultChromiumPath} and cannot install it (${why}); ` +
        'install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium executable',
    );
  }
  // Another test process may be installing at the same time: wait for the dpkg lock instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  aptGet(['-qq', ...lock, 'update']);
  aptGet(['-qq', ...lock, 'install', '-y', '--no-install-recommends', 'chromium']);
  if (executable(defaultChromiumPath)) return defaultChromiumPath;
  throw new Error(`ensure-chromium: installed the chromium package but ${defaultChromiumPath} is still missing`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
