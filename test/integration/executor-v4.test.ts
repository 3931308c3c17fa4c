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

/**
 * The TS plan encoding of V4 hops, run by the executor on a real anvil against the real Uniswap V4 PoolManager
 * (v4-core 1.0.2's compiled artifact): a native ETH/TKN pool and a WETH/TKN pool; the executor's gain must equal the
 * periphery's V4Quoter, hop by hop, on the same state.
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
let ethPool: V4PoolKey;
let wethPool: V4PoolKey;
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
  // ETH dear in the native pool (3,200 TKN), cheap in the WETH pool (2,900 TKN): WETH -> TKN -> WETH pays.
  ethPool = await v4Pool(zeroAddress, token, 3000, 60, 3200n, 1n, router);
  const wethIs0 = BigInt(weth) < BigInt(token);
  wethPool = await v4Pool(wethIs0 ? weth : token, wethIs0 ? token : weth, 500, 10, wethIs0 ? 2900n : 1n, wethIs0 ? 1n : 2900n, router);
  await callAndConfirm(client, { from: account, to: executor, abi: executorAbi, functionName: 'setPoolManager', args: [poolManager], label: 'setPoolManager' });
  await callAndConfirm(client, { from: account, to: weth, abi: erc20, functionName: 'transfer', args: [executor, 100n * E18], label: 'inventory' });
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

async function plan(flash: boolean, amountIn: bigint, flashSource?: ExecutorPlan['flashSource']): Promise<ExecutorPlan> {
  // cacheTime 0: viem caches the block number, and a stale one names a block already mined.
  const targetBlock = (await client.getBlockNumber({ cacheTime: 0 })) + 1n;
  const wethIs0 = BigInt(wethPool.currency0) === BigInt(weth);
  return {
    flash,
    ...(flashSource ? { flashSource } : {}),
    targetBlock,
    amountIn,
    minProfit: 0n,
    builderPayment: 0n,
    maxBuilderShareBps: 0,
    startToken: weth,
    hops: [
      // WETH -> TKN as ETH -> TKN: ETH is currency 0, zero for one
      { pool: poolManager, tokenOut: token, protocol: 'v4', zeroForOne: true, v4Key: ethPool },
      { pool: poolManager, tokenOut: weth, protocol: 'v4', zeroForOne: !wethIs0, v4Key: wethPool },
    ],
  };
}

describe('executor V4 hops on anvil with the real PoolManager', () => {
  const modes = [
    { name: 'inventory', flash: false },
    { name: 'flash (first V4 hop lends)', flash: true },
    { name: 'flash (V4 native ETH loan)', flash: true, flashSource: 'v4Native' as const },
  ];
  for (const { name, flash, flashSource } of modes) {
    it(`runs the TS-encoded ${name} plan (native ETH pool, then WETH pool) and gains what V4Quoter quotes`, async () => {
      const amountIn = 3n * E18;
      const built = await plan(flash, amountIn, flashSource);
      const middle = await quote(ethPool, true, amountIn);
      const back = await quote(wethPool, built.hops[1]!.zeroForOne, middle);
      expect(back).toBeGreaterThan(amountIn);
      const before = await wethOf(executor);
      // Sent with a fixed gas limit (no estimate: an estimate runs in a block of the node's choosing).
      const hash = await client.writeContract({ account, address: executor, abi: executorAbi, functionName: 'execute', args: [encodePlan(built, { weth, poolManager })], gas: 1_000_000n });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      expect(receipt.status).toBe('success');
      expect(receipt.blockNumber).toBe(built.targetBlock);
      expect((await wethOf(executor)) - before).toBe(back - amountIn);
      expect(await client.getBalance({ address: executor })).toBe(0n);
    }, 60_000);
  }

  it('refuses the same plan with a wrong tick spacing (no such pool): the executor reverts and keeps its WETH', async () => {
    // eth_call runs in the latest block's number: target it, so only the pool key can make it revert.
    const built = { ...(await plan(false, E18)), targetBlock: await client.getBlockNumber({ cacheTime: 0 }) };
    built.hops[1] = { ...built.hops[1]!, v4Key: { ...wethPool, tickSpacing: 60 } };
    const before = await wethOf(executor);
    await expect(
      client.simulateContract({ account, address: executor, abi: executorAbi, functionName: 'execute', args: [encodePlan(built, { weth, poolManager })] }),
    ).rejects.toThrow(/0x486aa307/); // PoolManager's PoolNotInitialized()
    expect(await wethOf(executor)).toBe(before);
  });
});
