// Finds (or, on a fresh Debian CI machine running as root, installs) the Chromium the browser tests drive
// through playwright-core. playwright-core ships no browser, and its own downloader would reach the internet
// from a test; the distro package is what a fresh machine can get from its ordinary package manager.
//
//   node scripts/ensure-chromium.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensureChromium } from './scripts/ensure-chromium.mjs'   same, as a function (returns the path)
import { executable, installDebianPackage, runAsScript } from './debian-package.mjs';

export const defaultChromiumPath = '/usr/bin/chromium';

/**
 * The path of a Chromium executable: $CHROMIUM_PATH when set, else /usr/bin/chromium; when missing on Debian
 * as root, installs the `chromium` package (quietly) and checks again. Throws an Error saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensureChromium(options = {}) {
  const env = options.env ?? process.env;
  if (env.CHROMIUM_PATH) {
    if (executable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new Error(`ensure-chromium: CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file; fix or unset it`);
  }
  if (executable(defaultChromiumPath)) return defaultChromiumPath;
  installDebianPackage({
    tool: 'ensure-chromium',
    pkg: 'chromium',
    install: options.install,
    missing: `no Chromium at ${defaultChromiumPath}`,
    advice: 'install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium executable',
  });
  if (executable(defaultChromiumPath)) return defaultChromiumPath;
  throw new Error(`ensure-chromium: installed the chromium package but ${defaultChromiumPath} is still missing`);
}

runAsScript(import.meta.url, ensureChromium);
