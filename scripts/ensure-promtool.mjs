// Finds (or, on a fresh Debian CI machine running as root, installs) promtool, which the alert-rule tests run
// (`promtool check rules`, `promtool test rules`). promtool ships in Debian's `prometheus` package; nothing is
// downloaded from anywhere else. The package's service is not wanted here: the install keeps it from starting
// and nothing in the tests talks to a Prometheus server.
//
//   node scripts/ensure-promtool.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensurePromtool } from './scripts/ensure-promtool.mjs'   same, as a function (returns the path)
import { ensureExecutable, runAsScript } from './debian-package.mjs';

export const defaultPromtoolPath = '/usr/bin/promtool';

/**
 * The path of a promtool executable: $PROMTOOL_PATH when set, else /usr/bin/promtool; when missing on Debian as
 * root, installs the `prometheus` package (quietly, its daemon not started) and checks again. Throws an Error
 * saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensurePromtool(options = {}) {
  return ensureExecutable({
    ...options,
    tool: 'ensure-promtool',
    name: 'promtool',
    envVar: 'PROMTOOL_PATH',
    path: defaultPromtoolPath,
    pkg: 'prometheus',
    advice: 'install it (Debian/Ubuntu: `sudo apt-get install prometheus`, which ships promtool) or set PROMTOOL_PATH to a promtool executable',
  });
}

runAsScript(import.meta.url, ensurePromtool);
