import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeDeployData, parseAbi, zeroAddress, type Abi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { encodePlan, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { forgeArtifact, uniswapArtifact } from '../../src/devnet/artifacts.ts';
import { callAndConfirm, createDevnetClient, sendAndConfirm, type DevnetClient } from '../../src/devnet/client.ts';
import { accountInclusion } from '../../src/monitor/accounting.ts';

/**
 * Realised profit of cycles with native-ETH V4 hops, as the ledger accounts them from the receipt
 * (monitor/accounting.ts -> chain/executionAccount.ts), against independent reads of the chain over the transaction:
 * the executor's WETH balanceOf change, block.coinbase's ETH balance change (less the priority fee it got from our
 * transaction), and the periphery's V4Quoter for the gross. A real anvil, the real Uniswap V4 PoolManager, the
 * executor as built, paying the builder.
 */
const require = createRequire(import.meta.url);
const artifact = (path: string): { abi: Abi; bytecode: Hex } => {
  const json = JSON.parse(readFileSync(require.resolve(path), 'utf8')) as { abi: Abi; bytecode: { object: Hex } };
  return { abi: json.abi, bytecode: json.bytecode.object };
};

const keyType = '(address currency0, address currency1, uint24 fee, int24 tickSpacing, address hooks)';
const v4Abi = parseAbi([
  `function initialize(${keyType} key, uint160 sqrtPriceX96) returns (int24)`,
  `function modifyLiquidity(${keyType} key, (int24 tickLower, int24 tickUpper, int256 liquidityDelta, bytes32 salt) params, bytes hookData) payable returns (int256)`,
  `function quoteExactInputSingle((${keyType} poolKey, bool zeroForOne, uint128 exactAmount, bytes hookData) params) returns (uint256 amountOut, uint256 gasEstimate)`,
]);
const erc20 = parseAbi([
  'function mint(address to, uint256 amount)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function deposit() payable',
]);

let anvil: Anvil;
let client: DevnetClient;
let account: Address;
let weth: Address;
let token: Address;
let poolManager: Address;
let quoter: Address;
let executor: Address;
/** ETH dear (3,200 TKN): native and WETH. */
let ethDear: V4PoolKey;
let wethDear: V4PoolKey;
/** ETH cheap (2,900 TKN): native and WETH. */
let ethCheap: V4PoolKey;
let wethCheap: V4PoolKey;
const coinbase = '0x00000000000000000000000000000000000c0bba' as Address;
const E18 = 10n ** 18n;

async function deploy(built: { abi: Abi; bytecode: Hex }, args: readonly unknown[], label: string): Promise<Address> {
  const data = encodeDeployData({ abi: built.abi, bytecode: built.bytecode, args });
  return (await sendAndConfirm(client, { from: account, data, label })).contractAddress!;
}

/** sqrt(price) * 2^96 for "1 currency0 = price currency1" (integer square root). */
function sqrtPriceX96(num: bigint, den: bigint): bigint {
  const x = (num << 192n) / den;
  let y = x;
  let z = (x >> 1n) + 1n;
  while (z < y) [y, z] = [z, (x / z + z) >> 1n];
  return y;
}

async function v4Pool(currency0: Address, currency1: Address, fee: number, tickSpacing: number, num: bigint, den: bigint, router: Address): Promise<V4PoolKey> {
  const key = { currency0, currency1, fee, tickSpacing, hooks: zeroAddress };
  await callAndConfirm(client, { from: account, to: poolManager, abi: v4Abi, functionName: 'initialize', args: [key, sqrtPriceX96(num, den)], label: 'initialize' });
  const maxTick = Math.floor(887272 / tickSpacing) * tickSpacing;
  await callAndConfirm(client, {
    from: account,
    to: router,
    abi: v4Abi,
    functionName: 'modifyLiquidity',
    args: [key, { tickLower: -maxTick, tickUpper: maxTick, liquidityDelta: 50_000n * E18, salt: `0x${'00'.repeat(32)}` }, '0x'],
    value: currency0 === zeroAddress ? 10n ** 24n : 0n,
    label: 'add liquidity',
  });
  return key;
}

async function quote(key: V4PoolKey, zeroForOne: boolean, amount: bigint): Promise<bigint> {
  const { result } = await client.simulateContract({
    account,
    address: quoter,
    abi: v4Abi,
    functionName: 'quoteExactInputSingle',
    args: [{ poolKey: key, zeroForOne, exactAmount: amount, hookData: '0x' }],
  });
  return result[0];
}

const wethOf = (address: Address) => client.readContract({ address: weth, abi: erc20, functionName: 'balanceOf', args: [address] });

beforeAll(async () => {
  anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
  client = createDevnetClient(anvil.rpcUrl, 31337);
  await client.setAutomine(true);
  await client.setCoinbase({ address: coinbase });
  [account] = (await client.getAddresses()) as [Address];
  await client.setBalance({ address: account, value: 10n ** 30n });
  weth = await deploy(uniswapArtifact('WETH9'), [], 'WETH9');
  token = await deploy(forgeArtifact('StandardToken.sol', 'StandardToken'), ['Token', 'TKN', 18, account], 'token');
  poolManager = await deploy(artifact('@uniswap/v4-core/out/PoolManager.sol/PoolManager.json'), [account], 'PoolManager');
  const router = await deploy(artifact('@uniswap/v4-core/out/PoolModifyLiquidityTest.sol/PoolModifyLiquidityTest.json'), [poolManager], 'liquidity router');
  quoter = await deploy(artifact('@uniswap/v4-periphery/foundry-out/V4Quoter.sol/V4Quoter.json'), [poolManager], 'V4Quoter');
  executor = await deploy(forgeArtifact('Executor.sol', 'Executor'), [account, account, weth, [], 9000], 'Executor');
  await callAndConfirm(client, { from: account, to: weth, abi: erc20, functionName: 'deposit', value: 1_000_000n * E18, label: 'wrap' });
  await callAndConfirm(client, { from: account, to: token, abi: erc20, functionName: 'mint', args: [account, 10n ** 30n], label: 'mint' });
  for (const spent of [weth, token]) {
    await callAndConfirm(client, { from: account, to: spent, abi: erc20, functionName: 'approve', args: [router, 2n ** 255n], label: 'approve' });
  }
  const wethIs0 = BigInt(weth) < BigInt(token);
  const wethKeyed = (fee: number, tickSpacing: number, price: bigint) =>
    v4Pool(wethIs0 ? weth : token, wethIs0 ? token : weth, fee, tickSpacing, wethIs0 ? price : 1n, wethIs0 ? 1n : price, router);
  ethDear = await v4Pool(zeroAddress, token, 3000, 60, 3200n, 1n, router);
  ethCheap = await v4Pool(zeroAddress, token, 500, 10, 2900n, 1n, router);
  wethDear = await wethKeyed(3000, 60, 3200n);
  wethCheap = await wethKeyed(500, 10, 2900n);
  await callAndConfirm(client, { from: account, to: executor, abi: executorAbi, functionName: 'setPoolManager', args: [poolManager], label: 'setPoolManager' });
  await callAndConfirm(client, { from: account, to: weth, abi: erc20, functionName: 'transfer', args: [executor, 100n * E18], label: 'inventory' });
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

/** The hop that sells `tokenIn` for `tokenOut` in `key` (WETH names native ETH). */
function hop(key: V4PoolKey, tokenIn: Address, tokenOut: Address): ExecutorPlan['hops'][number] {
  const currency = (address: Address) => (BigInt(key.currency0) === 0n && BigInt(address) === BigInt(weth) ? zeroAddress : address);
  return { pool: poolManager, tokenOut, protocol: 'v4', zeroForOne: BigInt(currency(tokenIn)) === BigInt(key.currency0), v4Key: key };
}

describe('realised profit of native-ETH V4 cycles, from the receipt, equals the chain to the wei', () => {
  const cases = [
    { name: 'native ETH in at the start (WETH unwrapped into the PoolManager)', legs: () => [[ethDear, weth, token], [wethCheap, token, weth]] as const },
    { name: 'native ETH out at the end (taken and wrapped)', legs: () => [[wethDear, weth, token], [ethCheap, token, weth]] as const },
    { name: 'native ETH in and out', legs: () => [[ethDear, weth, token], [ethCheap, token, weth]] as const },
    // No BuilderPaid then: the PoolManager's Swap by the executor tells the unwrap from an old executor's payment.
    { name: 'native ETH in at the start', legs: () => [[ethDear, weth, token], [wethCheap, token, weth]] as const, unpaid: true },
  ];
  for (const { name, legs, unpaid } of cases) {
    it(`${name}, ${unpaid ? 'paying the builder nothing' : 'paying the builder'}`, async () => {
      const amountIn = 2n * E18;
      const hops = legs().map(([key, tokenIn, tokenOut]) => hop(key, tokenIn, tokenOut));
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
      const wethAt = (blockNumber: bigint) => client.readContract({ address: weth, abi: erc20, functionName: 'balanceOf', args: [executor], blockNumber });
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
