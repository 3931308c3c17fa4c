import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { checkBuilder } from '../../src/cli/doctor/builderCheck.ts';

/**
 * A builder entry whose url is a plain Ethereum node (a copy-paste of chain.rpcUrl, or a provider's RPC URL taken
 * for a relay): the node parses our signed eth_cancelBundle and answers "Method not found". That proves neither
 * that it takes bundles nor that it accepts our signature, so the doctor must not pass it: every bundle sent
 * there is lost, and a halt cannot cancel anything there.
 */
let anvil: Anvil;

beforeAll(async () => {
  anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

describe('doctor builder check against a node that is not a builder', () => {
  it('a url that answers eth_cancelBundle with "method not found" (-32601) fails, with a fix naming the bundle endpoint', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    for (const kind of ['json-rpc', 'flashbots-library'] as const) {
      const check = await checkBuilder({ name: 'node', url: anvil.rpcUrl, kind, timeoutMs: 2_000, stats: false }, account);
      expect(check.name).toBe('builder:node');
      expect(check.ok, `${kind}: ${check.detail}`).toBe(false);
      expect(check.detail).toMatch(/eth_cancelBundle/);
      expect(check.fix).toMatch(/bundle endpoint/);
    }
  }, 60_000);
});
