import { createTestClient, http, parseEther, publicActions, walletActions } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { BundleTx } from '../../src/bundle/bundleTx.ts';
import { ForkSimulator } from '../../src/sim/fork.ts';

// The chain: a real anvil with a small gas limit (target 50 000 gas), so a few plain transfers put a block
// above, below or far below its target and each block's base fee moves differently.
const gasLimit = 100_000n;
const recipient = '0x00000000000000000000000000000000000f0e1d' as const;

/** EIP-1559, written out here (not the bot's copy): the base fee of the block after `parent`. */
function expectedNextBaseFee(parent: { baseFeePerGas: bigint; gasUsed: bigint; gasLimit: bigint }): bigint {
  const target = parent.gasLimit / 2n;
  if (parent.gasUsed === target) return parent.baseFeePerGas;
  if (parent.gasUsed > target) {
    const rise = (parent.baseFeePerGas * (parent.gasUsed - target)) / target / 8n;
    return parent.baseFeePerGas + (rise > 1n ? rise : 1n);
  }
  return parent.baseFeePerGas - (parent.baseFeePerGas * (target - parent.gasUsed)) / target / 8n;
}

function clientOf(url: string) {
  return createTestClient({ mode: 'anvil', transport: http(url), pollingInterval: 25 }).extend(publicActions).extend(walletActions);
}

let upstream: Anvil;
let chain: ReturnType<typeof clientOf>;
let fork: ForkSimulator | undefined;

beforeAll(async () => {
  upstream = await startAnvil({ port: 0, chainId: 31337, accounts: 1, extraArgs: ['--gas-limit', String(gasLimit), '--no-mining'] });
  chain = clientOf(upstream.rpcUrl);
  const sender = devAccount(0);
  // Blocks 1..5 hold 3, 0, 1, 3 and 2 transfers (63 000, 0, 21 000, 63 000, 42 000 gas against a 50 000 target).
  for (const transfers of [3, 0, 1, 3, 2]) {
    for (let i = 0; i < transfers; i += 1) {
      await chain.sendTransaction({ account: sender.address, to: recipient, value: parseEther('0.001'), chain: null, gas: 21_000n });
    }
    await chain.mine({ blocks: 1 });
  }
});
afterAll(async () => {
  await fork?.stop();
  await upstream?.stop();
});

/** A plain transfer signed by the upstream's dev account, at its nonce on the fork: a bundle a 'mine' simulation runs. */
async function signedTransfer(forkUrl: string, maxFeePerGas: bigint): Promise<BundleTx> {
  const account = devAccount(0);
  const nonce = await clientOf(forkUrl).getTransactionCount({ address: account.address, blockTag: 'latest' });
  const tx = { chainId: 31337, type: 'eip1559', to: recipient, value: 1n, gas: 21_000n, nonce, maxFeePerGas, maxPriorityFeePerGas: 0n, data: '0x' } as const;
  return { from: account.address, to: recipient, data: '0x', value: 1n, gas: 21_000n, nonce, maxFeePerGas, maxPriorityFeePerGas: 0n, raw: await account.signTransaction(tx) };
}

/**
 * The base fee the fork gives its next block: what it reports as pending before and after two 'mine'
 * simulations of the simulator (each mines a block and reverts it), and what a block it mines then pays.
 */
async function forkNextBaseFee(simulator: ForkSimulator): Promise<{ pending: bigint; afterSimulations: bigint; mined: bigint }> {
  const client = clientOf(simulator.rpcUrl);
  const pending = (await client.getBlock({ blockTag: 'pending' })).baseFeePerGas!;
  for (let i = 0; i < 2; i += 1) {
    const tx = await signedTransfer(simulator.rpcUrl, 10n ** 10n);
    const result = await simulator.simulate({ txs: [tx], executor: recipient, startToken: recipient, targetBlock: simulator.forkBlock + 1n });
    expect(result).toMatchObject({ ok: true, gasUsed: 21_000n });
  }
  const afterSimulations = (await client.getBlock({ blockTag: 'pending' })).baseFeePerGas!;
  const snapshot = await client.snapshot();
  try {
    await client.mine({ blocks: 1 });
    return { pending, afterSimulations, mined: (await client.getBlock({ blockTag: 'latest' })).baseFeePerGas! };
  } finally {
    await client.revert({ id: snapshot });
  }
}

describe('fork simulator base fee', () => {
  it('the fork block after start and after each move has the chain’s next base fee (EIP-1559 from the fork block’s header)', async () => {
    const headers = await Promise.all([1n, 2n, 3n, 4n, 5n].map((blockNumber) => chain.getBlock({ blockNumber })));
    const expected = headers.map((header) => expectedNextBaseFee({ baseFeePerGas: header.baseFeePerGas!, gasUsed: header.gasUsed, gasLimit: header.gasLimit }));
    // The blocks really vary: above target, below it, empty.
    expect(new Set(headers.map((header) => header.gasUsed)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(expected).size).toBe(expected.length);

    fork = await ForkSimulator.start({ upstreamRpcUrl: upstream.rpcUrl, blockNumber: 1n, chainId: 31337, mode: 'mine' });
    const seen: Array<{ block: bigint; pending: bigint; afterSimulations: bigint; mined: bigint; expected: bigint }> = [];
    seen.push({ block: 1n, ...(await forkNextBaseFee(fork)), expected: expected[0]! });
    for (const block of [2n, 3n, 5n, 4n]) {
      await fork.moveTo(block);
      seen.push({ block, ...(await forkNextBaseFee(fork)), expected: expected[Number(block) - 1]! });
    }
    expect(seen.map(({ block, pending, afterSimulations, mined }) => ({ block, pending, afterSimulations, mined }))).toEqual(
      seen.map(({ block, expected }) => ({ block, pending: expected, afterSimulations: expected, mined: expected })),
    );
  });

  it('at the head, the fork’s next base fee is the one the chain then mines', async () => {
    const head = await chain.getBlockNumber();
    fork ??= await ForkSimulator.start({ upstreamRpcUrl: upstream.rpcUrl, blockNumber: 1n, chainId: 31337, mode: 'mine' });
    await fork.moveTo(head);
    const onFork = await forkNextBaseFee(fork);
    await chain.mine({ blocks: 1 });
    const mined = (await chain.getBlock({ blockNumber: head + 1n })).baseFeePerGas!;
    expect(onFork).toEqual({ pending: mined, afterSimulations: mined, mined });
  });
});
