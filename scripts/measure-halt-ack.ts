// How fast a running bot acknowledges `searcher halt`: a devnet (`searcher devnet`), a bot (`searcher run`)
// and the CLI, each its own process, as an operator runs them. Halts and resumes N times and prints the
// acknowledgement latency `searcher halt` reports (halt written -> the bot holds it in memory), min/median/max.
//   npx tsx scripts/measure-halt-ack.ts [N]      (after `node scripts/build.mjs --quiet`)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from 'viem';
import { accountIndex, devAccount } from '../src/devnet/accounts.ts';

const runs = Number(process.argv[2] ?? 10);
const bin = fileURLToPath(new URL('../bin/searcher.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'halt-ack-'));
// The devnet's operator is anvil's public test account 1: a devnet key, never a secret.
const operatorKey = toHex(devAccount(accountIndex.searcher).getHdKey().privateKey!);
const env = { ...process.env, SEARCHER_LOG_LEVEL: 'silent', SEARCHER_PRIVATE_KEY: operatorKey };

function start(args: string[], ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env });
    let out = '';
    const check = (chunk: Buffer) => {
      out += chunk;
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`searcher ${args[0]} exited with ${code}:\n${out}`)));
  });
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const stop = (child: ChildProcess | undefined) => new Promise<void>((resolve) => (child && child.exitCode === null ? (child.once('exit', () => resolve()), child.kill('SIGINT')) : resolve()));

let devnet: ChildProcess | undefined;
let bot: ChildProcess | undefined;
try {
  const manifest = join(dir, 'manifest.json');
  devnet = await start(['devnet', '--port', '0', '--block-time', '1', '--no-traffic', '--manifest', manifest], /devnet ready in/);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain: { manifest } }));
  const db = join(dir, 'searcher.db');
  bot = await start(['run', '--config', join(dir, 'config.json'), '--db', db, '--no-dashboard'], /running against/);
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const halted = await cli(['halt', '--db', db, '--reason', `measurement ${i}`]);
    const match = /acknowledged by the bot \(pid (\d+)[^)]*\) (\d+) ms after the halt was written/.exec(halted.stdout);
    if (halted.code !== 0 || !match || Number(match[1]) !== bot.pid) throw new Error(`halt ${i}: exit ${halted.code}\n${halted.stdout}${halted.stderr}`);
    latencies.push(Number(match[2]));
    const resumed = await cli(['resume', '--db', db]);
    if (resumed.code !== 0) throw new Error(`resume ${i}: ${resumed.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the bot sees the resume (one poll) before the next halt
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  console.log(JSON.stringify({ runs, latenciesMs: latencies, minMs: sorted[0], medianMs: median, maxMs: sorted.at(-1) }));
} finally {
  await stop(bot);
  await stop(devnet);
  rmSync(dir, { recursive: true, force: true });
}
