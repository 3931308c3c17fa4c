// Finds (or, on a fresh Debian CI machine running as root, installs) promtool, which the alert-rule tests run
// (`promtool check rules`, `promtool test rules`). promtool ships in Debian's `prometheus` package; nothing is
// downloaded from anywhere else. The package's service is not wanted here: the install keeps it from starting
// and nothing in the tests talks to a Prometheus server.
//
//   node scripts/ensure-promtool.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensurePromtool } from './scripts/ensure-promtool.mjs'   same, as a function (returns the path)
import { executable, installDebianPackage, runAsScript } from './debian-package.mjs';

export const defaultPromtoolPath = '/usr/bin/promtool';

/**
 * The path of a promtool executable: $PROMTOOL_PATH when set, else /usr/bin/promtool; when missing on Debian as
 * root, installs the `prometheus` package (quietly, its daemon not started) and checks again. Throws an Error
 * saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensurePromtool(options = {}) {
  const env = options.env ?? process.env;
  if (env.PROMTOOL_PATH) {
    if (executable(env.PROMTOOL_PATH)) return env.PROMTOOL_PATH;
    throw new Error(`ensure-promtool: PROMTOOL_PATH=${env.PROMTOOL_PATH} is not an executable file; fix or unset it`);
  }
  if (executable(defaultPromtoolPath)) return defaultPromtoolPath;
  installDebianPackage({
    tool: 'ensure-promtool',
    pkg: 'prometheus',
    install: options.install,
    missing: `no promtool at ${defaultPromtoolPath}`,
    advice: 'install it (Debian/Ubuntu: `sudo apt-get install prometheus`, which ships promtool) or set PROMTOOL_PATH to a promtool executable',
  });
  if (executable(defaultPromtoolPath)) return defaultPromtoolPath;
  throw new Error(`ensure-promtool: installed the prometheus package but ${defaultPromtoolPath} is still missing`);
}

runAsScript(import.meta.url, ensurePromtool);
