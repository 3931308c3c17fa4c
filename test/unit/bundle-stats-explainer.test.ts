import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keccak256, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleStatsExplainer } from '../../src/bundle/bundleStats.ts';

/**
 * Builders answering flashbots_getBundleStatsV2 in Flashbots' own shape (no reason: only how far the bundle got).
 * The Flashbots relay cannot be reached from a test, so a local server speaks its JSON-RPC answers.
 */
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function builder(result: unknown): Promise<{ url: string; methods: string[]; signed: boolean[] }> {
  const seen = { methods: [] as string[], signed: [] as boolean[] };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const message = JSON.parse(body) as { id: number; method: string };
      seen.methods.push(message.method);
      seen.signed.push(typeof request.headers['x-flashbots-signature'] === 'string');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...seen };
}

const bundleHash = keccak256(toHex('a bundle'));

describe('bundleStatsExplainer with Flashbots-shaped answers', () => {
  it('a builder that never got the bundle does not stop the next from saying it considered it; the verdict is "other" in its terms', async () => {
    const unseen = await builder({ isSimulated: false });
    const considered = await builder({
      isHighPriority: true,
      isSimulated: true,
      simulatedAt: '2026-11-30T13:00:00.300Z',
      receivedAt: '2026-11-30T13:00:00.200Z',
      consideredByBuildersAt: [{ pubkey: '0xabc', timestamp: '2026-11-30T13:00:01.000Z' }],
      sealedByBuildersAt: [],
    });
    const explain = bundleStatsExplainer([{ name: 'first', url: unseen.url, timeoutMs: 1000 }, { name: 'flashbots', url: considered.url, timeoutMs: 1000 }], privateKeyToAccount(generatePrivateKey()));
    const answer = await explain(bundleHash, 12n);
    expect(answer).toEqual({ reason: 'flashbots: considered, not sealed', verdict: { kind: 'other', builder: 'flashbots', detail: 'considered by 1 builder, sealed by none' } });
    expect(unseen.methods).toEqual(['flashbots_getBundleStatsV2']);
    expect(considered.methods).toEqual(['flashbots_getBundleStatsV2']);
    expect([...unseen.signed, ...considered.signed]).toEqual([true, true]);
  });

  it('late: received after the block\'s timestamp (given by the head)', async () => {
    const late = await builder({ isHighPriority: true, isSimulated: true, simulatedAt: '2026-11-30T13:00:12.400Z', receivedAt: '2026-11-30T13:00:12.300Z', consideredByBuildersAt: [], sealedByBuildersAt: [] });
    const explain = bundleStatsExplainer([{ name: 'flashbots', url: late.url, timeoutMs: 1000 }], privateKeyToAccount(generatePrivateKey()));
    const blockTimestampSec = Date.parse('2026-11-30T13:00:12.000Z') / 1000;
    expect((await explain(bundleHash, 12n, { blockTimestampSec }))?.verdict).toEqual({
      kind: 'late',
      builder: 'flashbots',
      detail: 'received at 2026-11-30T13:00:12.300Z, after the block (timestamp 2026-11-30T13:00:12.000Z)',
    });
    // Without the block's time it cannot tell.
    expect((await explain(bundleHash, 12n))?.verdict?.kind).toBe('other');
  });

  it('when no builder says more, the first weak answer stands', async () => {
    const unseen = await builder({ isSimulated: false });
    const explain = bundleStatsExplainer([{ name: 'flashbots', url: unseen.url, timeoutMs: 1000 }], privateKeyToAccount(generatePrivateKey()));
    expect(await explain(bundleHash, 12n)).toEqual({ reason: 'flashbots: not received by the relay', verdict: { kind: 'other', builder: 'flashbots', detail: 'not received by the relay' } });
  });
});
