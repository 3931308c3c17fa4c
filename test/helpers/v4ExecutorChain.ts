import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeDeployData, parseAbi, zeroAddress, type Abi, type Address, type Hex } from 'viem';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { isqrt } from '../../src/amm/isqrt.ts';
import type { V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { forgeArtifact, uniswapArtifact } from '../../src/devnet/artifacts.ts';
import { callAndConfirm, createDevnetClient, sendAndConfirm, type DevnetClient } from '../../src/devnet/client.ts';

/**
 * A bare anvil with the real Uniswap V4 PoolManager (v4-core's compiled artifact), v4-core's liquidity test router,
 * the periphery's V4Quoter, WETH9, one 18-decimal token and our executor (PoolManager set, 100 WETH of inventory):
 * the chain the executor's V4 legs are run and graded on, the V4Quoter being the independent reference.
 */
export type V4ExecutorChain = {
  anvil: Anvil;
  client: DevnetClient;
  /** The one unlocked dev account: deployer, operator and trader. */
  account: Address;
  weth: Address;
  token: Address;
  poolManager: Address;
  quoter: Address;
  executor: Address;
  /** Initialises a hookless pool at "1 currency0 = num/den currency1" with 50,000e18 liquidity over the full range. */
  v4Pool(currency0: Address, currency1: Address, fee: number, tickSpacing: number, num: bigint, den: bigint): Promise<V4PoolKey>;
  /** V4Quoter's exact-input single-hop quote on the latest state. */
  quote(key: V4PoolKey, zeroForOne: boolean, amount: bigint): Promise<bigint>;
  wethOf(address: Address): Promise<bigint>;
  stop(): Promise<void>;
};

const require = createRequire(import.meta.url);
const foundryArtifact = (path: string): { abi: Abi; bytecode: Hex } => {
  const json = JSON.parse(readFileSync(require.resolve(path), 'utf8')) as { abi: Abi; bytecode: { object: Hex } };
  return { abi: json.abi, bytecode: json.bytecode.object };
};

const keyType = '(address currency0, address currency1, uint24 fee, int24 tickSpacing, address hooks)';
const v4Abi = parseAbi([
  `function initialize(${keyType} key, uint160 sqrtPriceX96) returns (int24)`,
  `function modifyLiquidity(${keyType} key, (int24 tickLower, int24 tickUpper, int256 liquidityDelta, bytes32 salt) params, bytes hookData) payable returns (int256)`,
  `function quoteExactInputSingle((${keyType} poolKey, bool zeroForOne, uint128 exactAmount, bytes hookData) params) returns (uint256 amountOut, uint256 gasEstimate)`,
]);
export const testTokenAbi = parseAbi([
  'function mint(address to, uint256 amount)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function deposit() payable',
]);
const E18 = 10n ** 18n;

/** `coinbase`: the block beneficiary, set before anything is mined (a test that reads what the builder got). */
export async function startV4ExecutorChain(options: { coinbase?: Address } = {}): Promise<V4ExecutorChain> {
  const anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
  try {
    const client = createDevnetClient(anvil.rpcUrl, 31337);
    await client.setAutomine(true);
    if (options.coinbase) await client.setCoinbase({ address: options.coinbase });
    const [account] = (await client.getAddresses()) as [Address];
    await client.setBalance({ address: account, value: 10n ** 30n });
    const deploy = async (built: { abi: Abi; bytecode: Hex }, args: readonly unknown[], label: string): Promise<Address> =>
      (await sendAndConfirm(client, { from: account, data: encodeDeployData({ abi: built.abi, bytecode: built.bytecode, args }), label })).contractAddress!;
    const send = (to: Address, abi: Abi, functionName: string, args: readonly unknown[], label: string, value = 0n) =>
      callAndConfirm(client, { from: account, to, abi, functionName, args, value, label });

    const weth = await deploy(uniswapArtifact('WETH9'), [], 'WETH9');
    const token = await deploy(forgeArtifact('StandardToken.sol', 'StandardToken'), ['Token', 'TKN', 18, account], 'token');
    const poolManager = await deploy(foundryArtifact('@uniswap/v4-core/out/PoolManager.sol/PoolManager.json'), [account], 'PoolManager');
    const router = await deploy(foundryArtifact('@uniswap/v4-core/out/PoolModifyLiquidityTest.sol/PoolModifyLiquidityTest.json'), [poolManager], 'liquidity router');
    const quoter = await deploy(foundryArtifact('@uniswap/v4-periphery/foundry-out/V4Quoter.sol/V4Quoter.json'), [poolManager], 'V4Quoter');
    const executor = await deploy(forgeArtifact('Executor.sol', 'Executor'), [account, account, weth, [], 9000], 'Executor');
    await send(weth, testTokenAbi, 'deposit', [], 'wrap', 1_000_000n * E18);
    await send(token, testTokenAbi, 'mint', [account, 10n ** 30n], 'mint');
    for (const spent of [weth, token]) await send(spent, testTokenAbi, 'approve', [router, 2n ** 255n], 'approve');
    await send(executor, executorAbi, 'setPoolManager', [poolManager], 'setPoolManager');
    await send(weth, testTokenAbi, 'transfer', [executor, 100n * E18], 'inventory');

    return {
      anvil,
      client,
      account,
      weth,
      token,
      poolManager,
      quoter,
      executor,
      async v4Pool(currency0, currency1, fee, tickSpacing, num, den) {
        const key = { currency0, currency1, fee, tickSpacing, hooks: zeroAddress };
        // sqrt(price) * 2^96, price = num / den
        await send(poolManager, v4Abi, 'initialize', [key, isqrt((num << 192n) / den)], 'initialize');
        const maxTick = Math.floor(887272 / tickSpacing) * tickSpacing;
        const range = { tickLower: -maxTick, tickUpper: maxTick, liquidityDelta: 50_000n * E18, salt: `0x${'00'.repeat(32)}` };
        await send(router, v4Abi, 'modifyLiquidity', [key, range, '0x'], 'add liquidity', currency0 === zeroAddress ? 10n ** 24n : 0n);
        return key;
      },
      async quote(key, zeroForOne, amount) {
        const { result } = await client.simulateContract({
          account,
          address: quoter,
          abi: v4Abi,
          functionName: 'quoteExactInputSingle',
          args: [{ poolKey: key, zeroForOne, exactAmount: amount, hookData: '0x' }],
        });
        return result[0];
      },
      wethOf: (address) => client.readContract({ address: weth, abi: testTokenAbi, functionName: 'balanceOf', args: [address] }),
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
