import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWalletClient, http, parseAbi, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { deployExecutor, verifyExecutor } from '../../src/bundle/deployExecutor.ts';
import { mainnetExecutorFactories } from '../../src/bundle/executorFactories.ts';
import { encodePlan, type PlanHop } from '../../src/bundle/plan.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { devnetExecutorFactories } from '../../src/devnet/executor.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const poolAbi = parseAbi(['function token0() view returns (address)', 'function factory() view returns (address)', 'function fee() view returns (uint24)']);
const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address, uint256) returns (bool)',
  'function deposit() payable',
  'function token0() view returns (address)',
]);

let devnet: Devnet;
let executor: Address;
const searcher = devAccount(1);

beforeAll(async () => {
  devnet = await startTestDevnet();
  await devnet.client.setAutomine(true);
});
afterAll(async () => {
  await devnet?.stop();
});

const pool = (dex: string, a: string, b: string, fee?: number) =>
  devnet.manifest.pools.find((p) => p.dex === dex && p.pair.includes(a) && p.pair.includes(b) && (fee === undefined || p.fee === fee))!;
const usdc = () => devnet.manifest.tokens.find((t) => t.symbol === 'USDC')!.address;
const wethOf = (address: Address) => devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [address] });

/** A plan hop as the bot builds it: the pool's factory and fee as the chain reports them. */
async function hop(poolAddress: Address, tokenIn: Address, tokenOut: Address, protocol: 'v2' | 'v3'): Promise<PlanHop> {
  const read = (functionName: 'token0' | 'factory') => devnet.client.readContract({ address: poolAddress, abi: poolAbi, functionName });
  const [token0, factory] = await Promise.all([read('token0'), read('factory')]);
  const fee = protocol === 'v3' ? { v3Fee: await devnet.client.readContract({ address: poolAddress, abi: poolAbi, functionName: 'fee' }) } : {};
  return { pool: poolAddress, factory, tokenOut, protocol, zeroForOne: token0 === tokenIn, ...fee };
}

async function v2Quote(router: Address, path: Address[], amountIn: bigint): Promise<bigint> {
  const amounts = await devnet.client.readContract({ address: router, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amountIn, path] });
  return amounts[amounts.length - 1]!;
}

describe('executor on the devnet', () => {
  it('deploys and verifies owner, operator and WETH', async () => {
    const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
    const deployed = await deployExecutor(wallet, devnet.client as never, {
      owner: searcher.address,
      operator: searcher.address,
      weth: mainnet.weth,
      factories: devnetExecutorFactories,
      sameOwner: true, // a test account plays both roles
    });
    executor = deployed.address;
    expect(await devnet.client.readContract({ address: executor, abi: executorAbi, functionName: 'owner' })).toBe(searcher.address);
    // inventory: 50 WETH
    // Each write waited for: reading the balance before the transfer is mined would read the old one.
    for (const hash of [
      await wallet.writeContract({ address: mainnet.weth, abi: erc20, functionName: 'deposit', value: 50n * 10n ** 18n }),
      await wallet.writeContract({ address: mainnet.weth, abi: erc20, functionName: 'transfer', args: [executor, 50n * 10n ** 18n] }),
    ]) {
      expect((await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
    }
    expect(await wethOf(executor)).toBe(50n * 10n ** 18n);
  });

  it("deploys with the owner's builder-share cap (9,000 bps unless given) and refuses one above 100% before sending anything", async () => {
    expect(await devnet.client.readContract({ address: executor, abi: executorAbi, functionName: 'maxBuilderShareBps' })).toBe(9000);
    const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
    const parameters = { owner: searcher.address, operator: searcher.address, weth: mainnet.weth, factories: devnetExecutorFactories, sameOwner: true };
    const capped = await deployExecutor(wallet, devnet.client as never, { ...parameters, maxBuilderShareBps: 6000 });
    expect(await devnet.client.readContract({ address: capped.address, abi: executorAbi, functionName: 'maxBuilderShareBps' })).toBe(6000);
    const nonce = await devnet.client.getTransactionCount({ address: searcher.address });
    await expect(deployExecutor(wallet, devnet.client as never, { ...parameters, maxBuilderShareBps: 10_001 })).rejects.toThrow(/maxBuilderShareBps must be an integer 0\.\.10000 \(got 10001\)/);
    expect(await devnet.client.getTransactionCount({ address: searcher.address })).toBe(nonce);
  });

  it('sets the PoolManager it is given and refuses, when verifying, an executor whose PoolManager differs', async () => {
    const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
    const parameters = { owner: searcher.address, operator: searcher.address, weth: mainnet.weth, factories: devnetExecutorFactories, sameOwner: true };
    const withV4 = await deployExecutor(wallet, devnet.client as never, { ...parameters, poolManager: mainnetV4.poolManager });
    expect(await devnet.client.readContract({ address: withV4.address, abi: executorAbi, functionName: 'poolManager' })).toBe(mainnetV4.poolManager);
    await verifyExecutor(devnet.client as never, withV4.address, { ...parameters, poolManager: mainnetV4.poolManager });
    const other = devAccount(9).address;
    await expect(verifyExecutor(devnet.client as never, withV4.address, { ...parameters, poolManager: other })).rejects.toThrow(
      new RegExp(`does not verify: poolManager\\(\\) = ${mainnetV4.poolManager}, expected ${other}`),
    );
    // Without a PoolManager V4 stays off, and verification says so of an executor that has one.
    await expect(verifyExecutor(devnet.client as never, withV4.address, parameters)).rejects.toThrow(/poolManager\(\) = 0x0+4444c5dc75cB358380D2e3dE08A90, expected 0x0{40}/);
    // Only the owner may set it: a deployer that is not the owner is refused before anything is sent.
    const nonce = await devnet.client.getTransactionCount({ address: searcher.address });
    await expect(deployExecutor(wallet, devnet.client as never, { ...parameters, owner: devAccount(8).address, poolManager: mainnetV4.poolManager })).rejects.toThrow(/only the owner .* can set the PoolManager/);
    expect(await devnet.client.getTransactionCount({ address: searcher.address })).toBe(nonce);
  });

  it('recomputes every devnet pool from the factories it registered (SushiSwap here has the Uniswap V2 hash)', async () => {
    const factoryOf = { uniswapV2: mainnet.uniswapV2Factory, sushiswap: mainnet.sushiswapFactory, uniswapV3: mainnet.uniswapV3Factory } as const;
    const pools = devnet.manifest.pools;
    expect(pools.length).toBeGreaterThan(0);
    expect(new Set(pools.map((p) => p.dex))).toEqual(new Set(['uniswapV2', 'sushiswap', 'uniswapV3']));
    for (const p of pools) {
      const v3 = p.dex === 'uniswapV3';
      const address = await devnet.client.readContract({
        address: executor,
        abi: executorAbi,
        functionName: 'poolFor',
        args: [factoryOf[p.dex], v3, p.token0, p.token1, v3 ? p.fee! : 30],
      });
      expect(address, `${p.dex} ${p.pair.join('/')}`).toBe(p.address);
    }
  });

  it('runs a TS-encoded V2 -> V2 plan and gains exactly what the routers quote', async () => {
    // A user dumps WETH on SushiSwap: WETH is now cheaper there than on Uniswap V2.
    const user = devAccount(devnet.manifest.accounts.traders[0]!.index);
    const hops = resolveRoute('sushiswapRouter', ['WETH', 'USDC'], undefined, devnet.manifest.pools as never, devnet.manifest.tokens);
    const dump = buildSwapCall({ router: 'sushiswapRouter', hops, amountIn: 40n * 10n ** 18n, minAmountOut: 0n, recipient: user.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
    const userWallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: user });
    await userWallet.sendTransaction({ to: dump.to, data: dump.data, value: dump.value });

    const amountIn = 5n * 10n ** 18n;
    const uni = pool('uniswapV2', 'WETH', 'USDC').address;
    const sushi = pool('sushiswap', 'WETH', 'USDC').address;
    const usdcOut = await v2Quote(mainnet.uniswapV2Router02, [mainnet.weth, usdc()], amountIn);
    const wethBack = await v2Quote(mainnet.sushiswapRouter, [usdc(), mainnet.weth], usdcOut);
    expect(wethBack).toBeGreaterThan(amountIn);

    const next = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
    const plan = encodePlan({
      flash: false,
      targetBlock: next,
      amountIn,
      minProfit: 0n,
      builderPayment: 0n,
      maxBuilderShareBps: 0,
      startToken: mainnet.weth,
      hops: [await hop(uni, mainnet.weth, usdc(), 'v2'), await hop(sushi, usdc(), mainnet.weth, 'v2')],
    });
    const before = await wethOf(executor);
    const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
    const hash = await wallet.writeContract({ address: executor, abi: executorAbi, functionName: 'execute', args: [plan], gas: 500_000n });
    const receipt = await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    expect(receipt.status).toBe('success');
    expect(receipt.blockNumber).toBe(next);
    expect((await wethOf(executor)) - before).toBe(wethBack - amountIn);
  });

  it('runs a flash V3 -> V2 plan that pays the builder, to the wei', async () => {
    const amountIn = 3n * 10n ** 18n;
    const v3 = pool('uniswapV3', 'WETH', 'USDC', 500).address;
    const sushi = pool('sushiswap', 'WETH', 'USDC').address;
    const { result } = await devnet.client.simulateContract({
      address: mainnet.quoterV2,
      abi: quoterV2Abi,
      functionName: 'quoteExactInput',
      args: [`${mainnet.weth}0001f4${usdc().slice(2)}` as `0x${string}`, amountIn],
    });
    const wethBack = await v2Quote(mainnet.sushiswapRouter, [usdc(), mainnet.weth], result[0]);
    const profit = wethBack - amountIn;
    expect(profit).toBeGreaterThan(0n);
    const payment = profit / 2n;

    const block = await devnet.client.getBlock();
    const plan = encodePlan({
      flash: true,
      targetBlock: block.number! + 1n,
      amountIn,
      minProfit: profit - payment,
      builderPayment: payment,
      maxBuilderShareBps: 5000,
      startToken: mainnet.weth,
      hops: [await hop(v3, mainnet.weth, usdc(), 'v3'), await hop(sushi, usdc(), mainnet.weth, 'v2')],
    });
    const coinbase = block.miner;
    const [wethBefore, coinbaseBefore] = [await wethOf(executor), await devnet.client.getBalance({ address: coinbase })];
    const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
    const hash = await wallet.writeContract({ address: executor, abi: executorAbi, functionName: 'execute', args: [plan], gas: 600_000n });
    const receipt = await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    expect(receipt.status).toBe('success');
    const mined = await devnet.client.getBlock({ blockNumber: receipt.blockNumber });
    const tips = receipt.gasUsed * (receipt.effectiveGasPrice - mined.baseFeePerGas!);
    expect((await wethOf(executor)) - wethBefore).toBe(profit - payment);
    expect((await devnet.client.getBalance({ address: coinbase })) - coinbaseBefore).toBe(payment + tips);
  });

  it('reverts a plan for a past block, losing nothing', async () => {
    const uni = pool('uniswapV2', 'WETH', 'USDC').address;
    const sushi = pool('sushiswap', 'WETH', 'USDC').address;
    const plan = encodePlan({
      flash: false,
      targetBlock: 1n,
      amountIn: 10n ** 18n,
      minProfit: 0n,
      builderPayment: 0n,
      maxBuilderShareBps: 0,
      startToken: mainnet.weth,
      hops: [await hop(uni, mainnet.weth, usdc(), 'v2'), await hop(sushi, usdc(), mainnet.weth, 'v2')],
    });
    await expect(
      devnet.client.simulateContract({ account: searcher, address: executor, abi: executorAbi, functionName: 'execute', args: [plan] }),
    ).rejects.toThrow(/WrongBlock/);
  });
});

describe('scripts/deploy-executor.ts', () => {
  const script = fileURLToPath(new URL('../../scripts/deploy-executor.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const key = toHex(devAccount(6).getHdKey().privateKey!);
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [tsx, script, ...args], { env: { ...process.env, ...env } });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('deploys with the key from the environment and never prints it, registering the mainnet factories', async () => {
    const operator = devAccount(7).address;
    const { code, out } = await run(['--rpc', devnet.manifest.rpcUrl, '--weth', mainnet.weth, '--operator', operator], { SEARCHER_DEPLOYER_KEY: key });
    expect(code).toBe(0);
    expect(out).not.toContain(key.slice(2));
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.owner).toBe(devAccount(6).address);
    // The deployer owns it, so it sets mainnet's V4 PoolManager (and verified it).
    expect(result.poolManager).toBe(mainnetV4.poolManager);
    expect(await devnet.client.readContract({ address: result.address, abi: executorAbi, functionName: 'poolManager' })).toBe(mainnetV4.poolManager);
    expect(await devnet.client.readContract({ address: result.address, abi: executorAbi, functionName: 'isOperator', args: [operator] })).toBe(true);
    expect(await devnet.client.readContract({ address: result.address, abi: executorAbi, functionName: 'isOperator', args: [devAccount(6).address] })).toBe(false);
    expect(mainnetExecutorFactories).toHaveLength(3);
    for (const f of mainnetExecutorFactories) {
      const hash = await devnet.client.readContract({ address: result.address, abi: executorAbi, functionName: 'initCodeHashOf', args: [f.factory, f.v3, f.v2FeeBps] });
      expect(hash).toBe(f.initCodeHash);
    }
  });

  it('refuses an owner that is the operator (the default) unless told --same-owner, deploying nothing', async () => {
    const deployer = devAccount(6).address;
    const nonce = await devnet.client.getTransactionCount({ address: deployer });
    const refused = await run(['--rpc', devnet.manifest.rpcUrl, '--weth', mainnet.weth], { SEARCHER_DEPLOYER_KEY: key });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/owner and operator are the same account .*--same-owner/);
    expect(refused.out).not.toContain(key.slice(2));
    expect(await devnet.client.getTransactionCount({ address: deployer })).toBe(nonce);

    const allowed = await run(['--rpc', devnet.manifest.rpcUrl, '--weth', mainnet.weth, '--same-owner'], { SEARCHER_DEPLOYER_KEY: key });
    expect(allowed.code).toBe(0);
    const result = JSON.parse(allowed.out.trim().split('\n').pop()!);
    expect([result.owner, result.operator]).toEqual([deployer, deployer]);
  });

  it('sets the builder-share cap from --max-builder-share-bps and refuses one above 10000, deploying nothing', async () => {
    const deployer = devAccount(6).address;
    const operator = devAccount(7).address;
    const args = ['--rpc', devnet.manifest.rpcUrl, '--weth', mainnet.weth, '--operator', operator];
    const { code, out } = await run([...args, '--max-builder-share-bps', '7500'], { SEARCHER_DEPLOYER_KEY: key });
    expect(code).toBe(0);
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.maxBuilderShareBps).toBe(7500);
    expect(await devnet.client.readContract({ address: result.address, abi: executorAbi, functionName: 'maxBuilderShareBps' })).toBe(7500);

    const nonce = await devnet.client.getTransactionCount({ address: deployer });
    const refused = await run([...args, '--max-builder-share-bps', '10001'], { SEARCHER_DEPLOYER_KEY: key });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/--max-builder-share-bps must be an integer 0\.\.10000 \(got 10001\)/);
    expect(await devnet.client.getTransactionCount({ address: deployer })).toBe(nonce);
  });

  it('refuses a key on the command line without echoing it', async () => {
    const { code, out } = await run(['--rpc', devnet.manifest.rpcUrl, '--private-key', key], {});
    expect(code).toBe(2);
    expect(out).toMatch(/refusing a secret on the command line/);
    expect(out).not.toContain(key.slice(2));
  });
});
