#!/usr/bin/env node
// Diagnosis aid: while a `searcher demo --manifest FILE` runs, writes the local builder's report of every block it
// builds (builder_blockReport: included and excluded bundles with the builder's reason) as JSON lines, so a miss the
// bot can only guess (a relay's bundle: the bot cannot ask the builder about it) can be read from the builder itself.
// Usage: node scripts/watch-builder-reports.mjs MANIFEST OUT.jsonl [FIRST_BLOCK]
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { keccak256, stringToHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const [manifestPath, outPath] = process.argv.slice(2);
if (!manifestPath || !outPath) {
  process.stderr.write('usage: watch-builder-reports.mjs MANIFEST OUT.jsonl\n');
  process.exit(2);
}
// A throwaway Flashbots identity: the builder wants every call signed; the report is not per signer.
const auth = privateKeyToAccount(generatePrivateKey());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rpc = async (url, method, params) => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const signature = await auth.signMessage({ message: keccak256(stringToHex(body)) });
  const headers = { 'content-type': 'application/json', 'X-Flashbots-Signature': `${auth.address}:${signature}` };
  const response = await fetch(url, { method: 'POST', headers, body });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
};
while (!existsSync(manifestPath)) await sleep(500);
await sleep(500);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const start = process.argv[4] !== undefined ? Number(process.argv[4]) : undefined;
let next = start;
let failures = 0;
for (;;) {
  try {
    const head = Number(BigInt(await rpc(manifest.rpcUrl, 'eth_blockNumber', [])));
    next ??= head;
    while (next <= head) {
      const report = await rpc(manifest.builderUrl, 'builder_blockReport', [`0x${next.toString(16)}`]).catch((error) => ({ blockNumber: String(next), error: error.message }));
      appendFileSync(outPath, `${JSON.stringify(report)}\n`);
      next++;
    }
    failures = 0;
  } catch {
    if (++failures > 20) break; // the devnet stopped
  }
  await sleep(300);
}
