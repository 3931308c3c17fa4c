import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment } from '../chain/childEnv.ts';
import { createDevnetClient, type DevnetClient } from '../devnet/client.ts';
import type { DevnetManifest } from '../devnet/manifest.ts';
import { SearcherError } from '../errors.ts';
import { projectRoot } from '../paths.ts';

export class DevnetProcessError extends SearcherError {}

export type DevnetProcess = { manifest: DevnetManifest; client: DevnetClient; pid: number; stop(): Promise<void> };

export type StartDevnetProcessParameters = { scenario: string; blockTime: number; readyTimeoutMs?: number; /** A rivals file (absolute path) the devnet adds to the scenario's. */ rivals?: string };

/**
 * The devnet (anvil, its builder and the scenario's traffic) in a process of its own, as `searcher devnet`: the
 * builder's work and the traffic never run on the bot's event loop, so the bot's latency is its own. Started
 * with the allowlisted environment (no key reaches it); ready when its manifest is written.
 */
export async function startDevnetProcess(parameters: StartDevnetProcessParameters): Promise<DevnetProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'searcher-devnet-'));
  const manifestFile = join(dir, 'manifest.json');
  const bin = join(projectRoot(), 'bin', 'searcher.js');
  const child = spawn(process.execPath, [bin, 'devnet', '--port', '0', '--block-time', String(parameters.blockTime), '--scenario', parameters.scenario, '--manifest', manifestFile, ...(parameters.rivals ? ['--rivals', parameters.rivals] : [])], {
    env: childEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (parameters.readyTimeoutMs ?? 1_800_000);
  try {
    while (!existsSync(manifestFile)) {
      if (child.exitCode !== null) throw new DevnetProcessError('DEVNET_PROCESS', `the devnet process exited (code ${child.exitCode}) before it was ready: ${lastLine(stderr)}`);
      if (Date.now() > deadline) throw new DevnetProcessError('DEVNET_PROCESS', `the devnet process was not ready within ${parameters.readyTimeoutMs ?? 1_800_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await terminate(child, exited);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as DevnetManifest;
  rmSync(dir, { recursive: true, force: true });
  return {
    manifest,
    client: createDevnetClient(manifest.rpcUrl, manifest.chainId),
    pid: child.pid!,
    stop: () => terminate(child, exited),
  };
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '(nothing on stderr)';

/** SIGTERM (the devnet stops its anvil and exits), SIGKILL if it lingers. */
async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
