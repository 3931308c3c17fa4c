import { zeroAddress, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { encodePlan, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { accountInclusion } from '../../src/monitor/accounting.ts';
import { startV4ExecutorChain, testTokenAbi, type V4ExecutorChain } from '../helpers/v4ExecutorChain.ts';

/**
 * Realised profit of cycles with native-ETH V4 hops, as the ledger accounts them from the receipt
 * (monitor/accounting.ts -> chain/executionAccount.ts), against independent reads of the chain over the transaction:
 * the executor's WETH balanceOf change, block.coinbase's ETH balance change (less the priority fee it got from our
 * transaction), and the periphery's V4Quoter for the gross. A real anvil, the real Uniswap V4 PoolManager, the
 * executor as built, paying the builder.
 */
let chain: V4ExecutorChain;
/** ETH dear (3,200 TKN): native and WETH. */
let ethDear: V4PoolKey;
let wethDear: V4PoolKey;
/** ETH cheap (2,900 TKN): native and WETH. */
let ethCheap: V4PoolKey;
let wethCheap: V4PoolKey;
const coinbase = '0x00000000000000000000000000000000000c0bba' as Address;
const E18 = 10n ** 18n;

beforeAll(async () => {
  chain = await startV4ExecutorChain({ coinbase });
  const { weth, token } = chain;
  const wethIs0 = BigInt(weth) < BigInt(token);
  const wethKeyed = (fee: number, tickSpacing: number, price: bigint) =>
    chain.v4Pool(wethIs0 ? weth : token, wethIs0 ? token : weth, fee, tickSpacing, wethIs0 ? price : 1n, wethIs0 ? 1n : price);
  ethDear = await chain.v4Pool(zeroAddress, token, 3000, 60, 3200n, 1n);
  ethCheap = await chain.v4Pool(zeroAddress, token, 500, 10, 2900n, 1n);
  wethDear = await wethKeyed(3000, 60, 3200n);
  wethCheap = await wethKeyed(500, 10, 2900n);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

/** The hop that sells `tokenIn` for `tokenOut` in `key` (WETH names native ETH). */
function hop(key: V4PoolKey, tokenIn: Address, tokenOut: Address): ExecutorPlan['hops'][number] {
  const currency = (address: Address) => (BigInt(key.currency0) === 0n && BigInt(address) === BigInt(chain.weth) ? zeroAddress : address);
  return { pool: chain.poolManager, tokenOut, protocol: 'v4', zeroForOne: BigInt(currency(tokenIn)) === BigInt(key.currency0), v4Key: key };
}

describe('realised profit of native-ETH V4 cycles, from the receipt, equals the chain to the wei', () => {
  const cases = [
    { name: 'native ETH in at the start (WETH unwrapped into the PoolManager)', legs: ({ weth, token }: V4ExecutorChain) => [[ethDear, weth, token], [wethCheap, token, weth]] as const },
    { name: 'native ETH out at the end (taken and wrapped)', legs: ({ weth, token }: V4ExecutorChain) => [[wethDear, weth, token], [ethCheap, token, weth]] as const },
    { name: 'native ETH in and out', legs: ({ weth, token }: V4ExecutorChain) => [[ethDear, weth, token], [ethCheap, token, weth]] as const },
    // No BuilderPaid then: the PoolManager's Swap by the executor tells the unwrap from an old executor's payment.
    { name: 'native ETH in at the start', legs: ({ weth, token }: V4ExecutorChain) => [[ethDear, weth, token], [wethCheap, token, weth]] as const, unpaid: true },
  ];
  for (const { name, legs, unpaid } of cases) {
    it(`${name}, ${unpaid ? 'paying the builder nothing' : 'paying the builder'}`, async () => {
      const { client, account, weth, poolManager, executor, quote } = chain;
      const amountIn = 2n * E18;
      const hops = legs(chain).map(([key, tokenIn, tokenOut]) => hop(key, tokenIn, tokenOut));
      let back = amountIn;
      for (const h of hops) back = await quote(h.v4Key!, h.zeroForOne, back);
      const quotedProfit = back - amountIn;
      expect(quotedProfit).toBeGreaterThan(0n);
      const builderPayment = unpaid ? 0n : quotedProfit / 3n;
      const targetBlock = (await client.getBlockNumber({ cacheTime: 0 })) + 1n;
      const built: ExecutorPlan = { flash: false, targetBlock, amountIn, minProfit: 0n, builderPayment, maxBuilderShareBps: 5000, startToken: weth, hops };
      const hash = await client.writeContract({ account, address: executor, abi: executorAbi, functionName: 'execute', args: [encodePlan(built, { weth, poolManager })], gas: 1_000_000n });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      expect(receipt.status).toBe('success');
      const block = await client.getBlock({ blockNumber: receipt.blockNumber });
      expect(block.transactions).toHaveLength(1); // the balance reads below span our transaction alone

      const account_ = await accountInclusion(client, { txHash: hash, executor, startToken: weth });

      // Independent reads over the transaction's block.
      const wethAt = (blockNumber: bigint) => client.readContract({ address: weth, abi: testTokenAbi, functionName: 'balanceOf', args: [executor], blockNumber });
      const ethAt = (blockNumber: bigint) => client.getBalance({ address: coinbase, blockNumber });
      const wethChange = (await wethAt(receipt.blockNumber)) - (await wethAt(receipt.blockNumber - 1n));
      const priorityFee = (receipt.effectiveGasPrice - block.baseFeePerGas!) * receipt.gasUsed;
      const coinbaseGot = (await ethAt(receipt.blockNumber)) - (await ethAt(receipt.blockNumber - 1n)) - priorityFee;

      expect(account_.builderPayment).toBe(builderPayment);
      expect(account_.builderPayment).toBe(coinbaseGot);
      expect(account_.gross).toBe(quotedProfit);
      expect(account_.gross - account_.builderPayment).toBe(wethChange);
      expect(account_.gasPaid).toBe(receipt.gasUsed * receipt.effectiveGasPrice);
      expect(account_.net).toBe(wethChange - account_.gasPaid);
      expect(await client.getBalance({ address: executor })).toBe(0n);
    }, 60_000);
  }
});
