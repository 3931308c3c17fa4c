import { keccak256, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { builderRpc } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The local builder's BuilderNet-style refunds (an option, off by default): each signer is paid back its marginal
 * contribution to the block, min(its payment, v(T) - v(T without it)). Against a rival's bid for the same victim that
 * makes the winner pay the loser's bid (a second price). Measured on the chain: the loser's bid by mining its bundle
 * alone in a snapshot that is then reverted, the winner's payment and refund from receipts, traces and balances.
 */
let devnet: Devnet;

beforeAll(async () => {
  devnet = await startTestDevnet({ builderContributionRefunds: { proposerShareBps: 0 } });
});
afterAll(async () => {
  await devnet?.stop();
});

async function send(signer: ReturnType<typeof privateKeyToAccount>, params: Record<string, unknown>) {
  const json = await builderRpc<{ bundleHash: Hex }>(devnet, 'eth_sendBundle', [params], signer);
  if (!json.result) throw new Error(json.error?.message);
  return json.result.bundleHash;
}

const request = <T>(method: string, params: unknown[] = []) => devnet.client.request({ method: method as never, params: params as never }) as Promise<T>;

/** What these transactions pay the coinbase when mined alone in the next block: in a snapshot, then undone. */
async function paidAlone(raws: readonly Hex[]): Promise<bigint> {
  const coinbase = devnet.manifest.builderCoinbase;
  const snapshot = await request<Hex>('evm_snapshot');
  try {
    const before = await devnet.client.getBalance({ address: coinbase, blockTag: 'latest' });
    for (const raw of raws) await devnet.client.sendRawTransaction({ serializedTransaction: raw });
    await request('evm_mine');
    const block = await devnet.client.getBlock({ blockTag: 'latest' });
    expect(block.transactions).toEqual(raws.map((raw) => keccak256(raw)));
    return (await devnet.client.getBalance({ address: coinbase, blockTag: 'latest' })) - before;
  } finally {
    expect(await request<boolean>('evm_revert', [snapshot])).toBe(true);
    await request('anvil_dropAllTransactions');
  }
}

describe('local builder option: BuilderNet-style refunds by marginal contribution', () => {
  it('refunds the winner of a contested backrun down to the loser\'s bid, to the wei; a bundle of only public transactions earns nothing', async () => {
    const { victim, candidateWith, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n, trader: 1 }, { sendVictim: false });
    const operator = devnet.manifest.accounts.operators[0]!;
    const cheap = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const generous = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n, operatorIndex: operator.index, nonce: await devnet.client.getTransactionCount({ address: operator.address, blockTag: 'latest' }) });
    const loserBid = await paidAlone([victim.raw, cheap.raw]);
    expect(loserBid).toBeGreaterThan(0n);

    // A plain public transfer, also sent as a bundle by a third signer: public order flow earns no refund.
    const spare = devAccount(devnet.manifest.accounts.traders[7]!.index);
    const head = await devnet.client.getBlock({ blockTag: 'pending' });
    const publicRaw = await spare.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce: await devnet.client.getTransactionCount({ address: spare.address, blockTag: 'latest' }), to: spare.address, value: 1n, gas: 21_000n, maxPriorityFeePerGas: 5n * 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 5n * 10n ** 9n });
    await devnet.client.sendRawTransaction({ serializedTransaction: publicRaw });

    const [loser, winner, copier] = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()));
    await send(loser!, { txs: [victim.raw, cheap.raw], blockNumber: toHex(target) });
    const won = await send(winner!, { txs: [victim.raw, generous.raw], blockNumber: toHex(target) });
    await send(copier!, { txs: [publicRaw], blockNumber: toHex(target) });
    const report = await devnet.builder.buildBlock();
    expect(BigInt(report.blockNumber)).toBe(target);
    expect(report.included.map((bundle) => bundle.bundleHash)).toContain(won);

    // The winner's payment, from the chain: what its two transactions paid the coinbase.
    const block = await devnet.client.getBlock({ blockNumber: target });
    const paid = async (hash: Hex) => {
      const receipt = await devnet.client.getTransactionReceipt({ hash });
      type Frame = { to?: string; value?: Hex; error?: string; calls?: Frame[] };
      const root = (await request<Frame>('debug_traceTransaction', [hash, { tracer: 'callTracer' }]));
      const walk = (frame: Frame, top: boolean): bigint =>
        frame.error ? 0n : (!top && frame.to?.toLowerCase() === devnet.manifest.builderCoinbase.toLowerCase() && frame.value ? BigInt(frame.value) : 0n) + (frame.calls ?? []).reduce((sum, child) => sum + walk(child, false), 0n);
      return receipt.gasUsed * (receipt.effectiveGasPrice - block.baseFeePerGas!) + walk(root, true);
    };
    const winnerPaid = (await paid(victim.hash)) + (await paid(generous.hash));
    expect(winnerPaid).toBeGreaterThan(loserBid);

    const balance = (address: Address) => devnet.client.getBalance({ address, blockNumber: target });
    expect(await balance(winner!.address)).toBe(winnerPaid - loserBid);
    expect(await balance(loser!.address)).toBe(0n);
    expect(await balance(copier!.address)).toBe(0n);
    expect(report.contributionRefunds).toEqual([expect.objectContaining({ signer: winner!.address, refundWei: String(winnerPaid - loserBid), txHash: block.transactions.at(-1) })]);
  });
});
