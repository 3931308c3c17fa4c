import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startAnvil } from '../../src/chain/anvil.ts';
import { childPids } from '../helpers/cli.ts';

/** The HOME anvil itself runs with (the process below the sh guard). */
function anvilHome(guardPid: number): string {
  const [anvil] = childPids(guardPid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/anvil'));
  expect(anvil).toBeDefined();
  const entries = readFileSync(`/proc/${anvil}/environ`, 'utf8').split('\0');
  return entries.find((entry) => entry.startsWith('HOME='))!.slice('HOME='.length);
}

// anvil pages block states out to $HOME/.foundry/anvil/tmp and removes them only on a clean exit: a killed anvil left
// them in the user's home (tens of GB over a day of test runs). Each anvil now gets a home of its own, removed after it.
describe("anvil's working files", () => {
  it('live in a home of its own under the temp folder, removed when anvil stops', async () => {
    const anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
    const home = anvilHome(anvil.pid);
    expect(home.startsWith(tmpdir())).toBe(true);
    expect(home).not.toBe(process.env.HOME);
    expect(existsSync(home)).toBe(true);
    await anvil.stop();
    expect(existsSync(home)).toBe(false);
  });

  it('are removed even when the guard is killed outright, and stopping then ends the anvil it left', async () => {
    const anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1, stopGraceMs: 1 });
    const home = anvilHome(anvil.pid);
    const [orphan] = childPids(anvil.pid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/anvil'));
    expect(orphan).toBeGreaterThan(0);
    process.kill(anvil.pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (existsSync(home) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(home)).toBe(false);
    // The guard is gone, anvil is not: it still answers.
    expect(existsSync(`/proc/${orphan}`)).toBe(true);
    await anvil.stop();
    const gone = Date.now() + 10_000;
    while (existsSync(`/proc/${orphan}`) && readFileSync(`/proc/${orphan}/stat`, 'utf8').split(' ')[2] !== 'Z' && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(`/proc/${orphan}`) && readFileSync(`/proc/${orphan}/stat`, 'utf8').split(' ')[2] !== 'Z').toBe(false);
  });
});
