// Finds (or, on a fresh Debian CI machine running as root, installs) the Chromium the browser tests drive
// through playwright-core. playwright-core ships no browser, and its own downloader would reach the internet
// from a test; the distro package is what a fresh machine can get from its ordinary package manager.
//
//   node scripts/ensure-chromium.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensureChromium } from './scripts/ensure-chromium.mjs'   same, as a function (returns the path)
import { ensureExecutable, runAsScript } from './debian-package.mjs';

export const defaultChromiumPath = '/usr/bin/chromium';

/**
 * The path of a Chromium executable: $CHROMIUM_PATH when set, else /usr/bin/chromium; when missing on Debian
 * as root, installs the `chromium` package (quietly) and checks again. Throws an Error saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensureChromium(options = {}) {
  return ensureExecutable({
    ...options,
    tool: 'ensure-chromium',
    name: 'Chromium',
    envVar: 'CHROMIUM_PATH',
    path: defaultChromiumPath,
    pkg: 'chromium',
    advice: 'install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium executable',
  });
}

runAsScript(import.meta.url, ensureChromium);
