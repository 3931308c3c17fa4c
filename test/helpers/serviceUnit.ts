import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.ts';

export const unitFile = join(projectRoot(), 'deploy', 'systemd', 'searcher.service');

/** Where the example unit expects things on a server, and where a test puts them instead. */
const installed = { node: '/usr/bin/node', repository: '/opt/searcher', config: '/etc/searcher', state: '/var/lib/searcher' } as const;

/** `Key=value` lines of a unit, by key, in order (a key may repeat). */
export function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) keys.set(match[1]!, [...(keys.get(match[1]!) ?? []), match[2]!]);
  }
  return keys;
}

export type LocalUnit = {
  /** The unit with this checkout's paths, written as `dir/searcher.service`. */
  file: string;
  text: string;
  /** ExecStart split into words (the unit uses no quoting). */
  execStart: string[];
  /** The EnvironmentFile's path (the test writes it). */
  environmentFile: string;
  /** The config file ExecStart names (the test writes it). */
  configFile: string;
  /** The store ExecStart names. */
  dbFile: string;
  /** Environment= assignments of the unit. */
  environment: Record<string, string>;
};

/**
 * The example unit as it would run from this checkout: node is this node, /opt/searcher this repository, and
 * /etc/searcher and /var/lib/searcher directories under `dir`. Everything else is the unit's own text.
 */
export function localUnit(dir: string): LocalUnit {
  const etc = join(dir, 'etc');
  const state = join(dir, 'state');
  mkdirSync(etc, { recursive: true });
  mkdirSync(state, { recursive: true });
  const text = readFileSync(unitFile, 'utf8')
    .replaceAll(installed.node, process.execPath)
    .replaceAll(installed.repository, projectRoot())
    .replaceAll(`${installed.config}/`, `${etc}/`)
    .replaceAll(installed.state, state);
  const file = join(dir, 'searcher.service');
  writeFileSync(file, text);
  const keys = unitKeys(text);
  const execStart = keys.get('ExecStart')?.[0]?.split(/\s+/) ?? [];
  const flag = (name: string) => execStart[execStart.indexOf(name) + 1] ?? '';
  const environment = Object.fromEntries(
    (keys.get('Environment') ?? []).flatMap((line) => line.split(/\s+/)).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { file, text, execStart, environmentFile: keys.get('EnvironmentFile')?.[0] ?? '', configFile: flag('--config'), dbFile: flag('--db'), environment };
}

/** `KEY=value` lines as systemd's EnvironmentFile reads them (comments and blank lines skipped). */
export function readEnvironmentFile(file: string): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    entries.push([trimmed.slice(0, at), trimmed.slice(at + 1)]);
  }
  return Object.fromEntries(entries);
}
