import { encodeDeployData, encodeFunctionData, parseAbi, parseEventLogs, type Address, type TransactionReceipt } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import { SearcherError } from '../../errors.ts';
import { forgeArtifact } from '../artifacts.ts';
import { sendAndConfirm, type DevnetClient } from '../client.ts';
import type { DevnetPool } from '../seed/pools.ts';
import { deployTokens, erc20Abi, type DevnetToken } from '../tokens.ts';
import type { ScaleMarket } from './generate.ts';
import { sendPipelined, type PipelinedTx } from './pipeline.ts';
import { layoutV3Pool, type V3PoolLayout } from './v3Layout.ts';

export class ScaleBuildError extends SearcherError {}

/** Pools per seeder transaction: about 270M gas for V2, 230M for V3 (the build runs with a 1G block gas limit). */
const v2PerTx = 100;
const v3PerTx = 40;
const v2GasPerPair = 3_300_000n;
const v3GasPerPool = 5_600_000n;
const v3GasPerPosition = 600_000n;
/** The build's block gas limit; the devnet goes back to a mainnet-like limit before traffic starts. */
export const buildBlockGasLimit = 1_000_000_000n;

const creationEvents = parseAbi([
  'event PairCreated(address indexed token0, address indexed token1, address pair, uint256 pairCount)',
  'event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool)',
]);

export type BuiltScaleMarket = { tokens: DevnetToken[]; pools: DevnetPool[]; seeder: Address; layouts: V3PoolLayout[] };

/** Deploys the generated tokens: the hubs through the devnet's usual token handling (mainnet addresses), the rest pipelined. */
async function deployScaleTokens(client: DevnetClient, deployer: Address, market: ScaleMarket): Promise<DevnetToken[]> {
  const hubs = market.tokens.filter((token) => token.hub && token.kind !== 'weth');
  const deployed = await deployTokens(
    client,
    deployer,
    hubs.map((token) => ({ kind: token.kind === 'noReturn' ? 'noReturn' : 'standard', symbol: token.symbol, name: token.name, decimals: token.decimals })),
  );
  const artifact = forgeArtifact('StandardToken.sol', 'StandardToken');
  const rest = market.tokens.filter((token) => !token.hub);
  const receipts = await sendPipelined(
    client,
    rest.map((token) => ({
      from: deployer,
      data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: [token.name, token.symbol, token.decimals, deployer] }),
      gas: 3_000_000n,
      label: `deploy ${token.symbol}`,
    })),
  );
  rest.forEach((token, i) => {
    const address = receipts[i]!.contractAddress;
    if (!address) throw new ScaleBuildError('SCALE_BUILD', `deploy ${token.symbol}: no contract address`);
    deployed.push({ symbol: token.symbol, name: token.name, address, decimals: token.decimals, kind: 'standard' });
  });
  // Same order as the generator's tokens (WETH and the hubs first).
  return market.tokens.map((token) => deployed.find((candidate) => candidate.symbol === token.symbol)!);
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Builds the generated market on a devnet whose Uniswap contracts are placed: tokens, the seeder, the exact token
 * amounts the pools need minted to it, then every pair and pool through the real factories in few transactions.
 * Checks that the pools took exactly what the generator computed (the seeder ends with nothing) and fails otherwise.
 */
export async function buildScaleMarket(
  client: DevnetClient,
  deployer: Address,
  market: ScaleMarket,
  onProgress?: (progress: { done: number; of: number; ms: number }) => void,
): Promise<BuiltScaleMarket> {
  const tokens = await deployScaleTokens(client, deployer, market);
  const addressOf = (index: number) => tokens[index]!.address;
  const seederArtifact = forgeArtifact('MarketSeeder.sol', 'MarketSeeder');
  const seederReceipt = await sendAndConfirm(client, {
    from: deployer,
    data: encodeDeployData({ abi: seederArtifact.abi, bytecode: seederArtifact.bytecode, args: [deployer, mainnet.uniswapV3Factory] }),
    label: 'deploy MarketSeeder',
  });
  const seeder = seederReceipt.contractAddress!;

  const layouts = market.v3.map((pool) => layoutV3Pool(pool, market, addressOf));
  const needed = new Array<bigint>(tokens.length).fill(0n);
  for (const pool of market.v2) {
    needed[pool.tokens[0]]! += pool.amounts[0];
    needed[pool.tokens[1]]! += pool.amounts[1];
  }
  market.v3.forEach((pool, i) => {
    const layout = layouts[i]!;
    const [i0, i1] = addressOf(pool.tokens[0]) === layout.token0 ? pool.tokens : [pool.tokens[1], pool.tokens[0]];
    needed[i0]! += layout.amount0;
    needed[i1]! += layout.amount1;
  });

  // Fund the seeder: WETH is wrapped from the deployer's ETH, every other token minted by its owner (the deployer).
  const wethNeeded = needed[0]!;
  await client.setBalance({ address: deployer, value: wethNeeded + 10n ** 24n });
  const funding: PipelinedTx[] = [
    { from: deployer, to: mainnet.weth, data: encodeFunctionData({ abi: erc20Abi, functionName: 'deposit' }), value: wethNeeded, gas: 100_000n, label: 'wrap WETH for the seeder' },
    { from: deployer, to: mainnet.weth, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [seeder, wethNeeded] }), gas: 100_000n, label: 'fund the seeder with WETH' },
  ];
  tokens.forEach((token, i) => {
    if (i === 0 || needed[i] === 0n) return;
    funding.push({ from: deployer, to: token.address, data: encodeFunctionData({ abi: erc20Abi, functionName: 'mint', args: [seeder, needed[i]!] }), gas: 150_000n, label: `mint ${token.symbol} for the seeder` });
  });
  await sendPipelined(client, funding);

  const seederAbi = seederArtifact.abi;
  const seeding: PipelinedTx[] = [];
  for (const dex of ['uniswapV2', 'sushiswap'] as const) {
    const factory = dex === 'uniswapV2' ? mainnet.uniswapV2Factory : mainnet.sushiswapFactory;
    for (const chunk of chunks(market.v2.filter((pool) => pool.dex === dex), v2PerTx)) {
      seeding.push({
        from: deployer,
        to: seeder,
        data: encodeFunctionData({
          abi: seederAbi,
          functionName: 'seedV2',
          args: [factory, chunk.map((pool) => ({ tokenA: addressOf(pool.tokens[0]), tokenB: addressOf(pool.tokens[1]), amountA: pool.amounts[0], amountB: pool.amounts[1] }))],
        }),
        gas: v2GasPerPair * BigInt(chunk.length),
        label: `seed ${chunk.length} ${dex} pairs`,
      });
    }
  }
  for (const chunk of chunks(layouts, v3PerTx)) {
    seeding.push({
      from: deployer,
      to: seeder,
      data: encodeFunctionData({
        abi: seederAbi,
        functionName: 'seedV3',
        args: [chunk.map(({ token0, token1, fee, sqrtPriceX96, positions }) => ({ token0, token1, fee, sqrtPriceX96, positions }))],
      }),
      gas: chunk.reduce((gas, layout) => gas + v3GasPerPool + v3GasPerPosition * BigInt(layout.positions.length), 0n),
      label: `seed ${chunk.length} V3 pools`,
    });
  }
  // One seeder transaction per block: anvil validates a new transaction against the pending block, so queueing
  // several of these (each creating a hundred contracts) makes every send re-run the ones before it.
  const receipts: TransactionReceipt[] = [];
  const seedingStarted = performance.now();
  for (const [i, tx] of seeding.entries()) {
    receipts.push(...(await sendPipelined(client, [tx])));
    if ((i + 1) % 20 === 0 || i + 1 === seeding.length) {
      onProgress?.({ done: i + 1, of: seeding.length, ms: Math.round(performance.now() - seedingStarted) });
    }
  }
  const pools = collectPools(receipts, market, tokens, layouts);
  await assertSeederEmpty(client, seeder, tokens);
  return { tokens, pools, seeder, layouts };
}

/** The created pools, read from the factories' own creation logs, in the generator's order (V2, then V3). */
function collectPools(receipts: readonly TransactionReceipt[], market: ScaleMarket, tokens: readonly DevnetToken[], layouts: readonly V3PoolLayout[]): DevnetPool[] {
  const created = new Map<string, Address>();
  const key = (factory: string, a: string, b: string, fee = 0) =>
    `${factory.toLowerCase()}:${[a.toLowerCase(), b.toLowerCase()].sort().join('/')}:${fee}`;
  for (const receipt of receipts) {
    for (const log of parseEventLogs({ abi: creationEvents, logs: receipt.logs })) {
      if (log.eventName === 'PairCreated') created.set(key(log.address, log.args.token0, log.args.token1), log.args.pair);
      else created.set(key(log.address, log.args.token0, log.args.token1, log.args.fee), log.args.pool);
    }
  }
  const find = (factory: Address, a: Address, b: Address, fee?: number) => {
    const address = created.get(key(factory, a, b, fee));
    if (!address) throw new ScaleBuildError('SCALE_BUILD', `no creation log for the pool of ${a}/${b} on ${factory}`);
    return address;
  };
  const pools: DevnetPool[] = [];
  for (const pool of market.v2) {
    const [a, b] = [tokens[pool.tokens[0]]!, tokens[pool.tokens[1]]!];
    const factory = pool.dex === 'uniswapV2' ? mainnet.uniswapV2Factory : mainnet.sushiswapFactory;
    const [token0, token1] = BigInt(a.address) < BigInt(b.address) ? [a, b] : [b, a];
    pools.push({ index: pools.length, dex: pool.dex, address: find(factory, a.address, b.address), pair: [a.symbol, b.symbol], token0: token0.address, token1: token1.address });
  }
  market.v3.forEach((pool, i) => {
    const layout = layouts[i]!;
    const [a, b] = [tokens[pool.tokens[0]]!, tokens[pool.tokens[1]]!];
    pools.push({
      index: pools.length,
      dex: 'uniswapV3',
      address: find(mainnet.uniswapV3Factory, a.address, b.address, pool.fee),
      pair: [a.symbol, b.symbol],
      token0: layout.token0,
      token1: layout.token1,
      fee: pool.fee,
      tickSpacing: layout.tickSpacing,
    });
  });
  return pools;
}

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/** The seeder was given exactly what the generator computed the pools need: anything left means the chain disagreed. */
async function assertSeederEmpty(client: DevnetClient, seeder: Address, tokens: readonly DevnetToken[]): Promise<void> {
  const left = await Promise.all(tokens.map((token) => client.readContract({ address: token.address, abi: balanceOfAbi, functionName: 'balanceOf', args: [seeder] })));
  const wrong = tokens.flatMap((token, i) => (left[i] === 0n ? [] : [`${token.symbol}: ${left[i]}`]));
  if (wrong.length > 0) {
    throw new ScaleBuildError('SCALE_BUILD', `the pools took other amounts than the generator computed; left with the seeder: ${wrong.slice(0, 5).join(', ')}`);
  }
}
