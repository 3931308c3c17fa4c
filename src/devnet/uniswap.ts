import { encodeFunctionData, parseAbi, zeroAddress, type Address } from 'viem';
import { mainnet, mainnetV4, initCodeHashes, v3FeeTickSpacing } from '../chain/addresses.ts';
import { uniswapArtifact } from './artifacts.ts';
import { sendAndConfirm, type DevnetClient } from './client.ts';
import { placeContract, PlacementError } from './place.ts';
import { placeV4Contracts } from './v4/contracts.ts';

const v3FactoryAbi = parseAbi([
  'function owner() view returns (address)',
  'function feeAmountTickSpacing(uint24) view returns (int24)',
  'function enableFeeAmount(uint24 fee, int24 tickSpacing)',
]);

/**
 * Places the real Uniswap contracts (npm artifacts = mainnet bytecode) at their mainnet addresses, with
 * constructor arguments that point at each other's mainnet addresses, so every immutable is the real one.
 * SushiSwap's factory and router run Uniswap V2 bytecode at SushiSwap's addresses.
 */
export async function placeUniswapContracts(client: DevnetClient, deployer: Address): Promise<void> {
  const place = (label: string, artifact: Parameters<typeof placeContract>[1]['artifact'], target: Address, args: readonly unknown[] = []) =>
    placeContract(client, { deployer, artifact, target, args, label });

  await place('WETH9', uniswapArtifact('WETH9'), mainnet.weth);
  await place('UniswapV2Factory', uniswapArtifact('UniswapV2Factory'), mainnet.uniswapV2Factory, [deployer]);
  await place('SushiSwap factory', uniswapArtifact('UniswapV2Factory'), mainnet.sushiswapFactory, [deployer]);
  await place('UniswapV2Router02', uniswapArtifact('UniswapV2Router02'), mainnet.uniswapV2Router02, [
    mainnet.uniswapV2Factory,
    mainnet.weth,
  ]);
  await place('SushiSwap router', uniswapArtifact('UniswapV2Router02'), mainnet.sushiswapRouter, [
    mainnet.sushiswapFactory,
    mainnet.weth,
  ]);
  await place('UniswapV3Factory', uniswapArtifact('UniswapV3Factory'), mainnet.uniswapV3Factory);
  // Mainnet governance enabled the 1 bp tier after launch; the constructor only knows 5, 30 and 100 bps.
  await sendAndConfirm(client, {
    from: deployer,
    to: mainnet.uniswapV3Factory,
    data: encodeFunctionData({ abi: v3FactoryAbi, functionName: 'enableFeeAmount', args: [100, 1] }),
    label: 'enable the 100 fee tier',
  });
  await place('NonfungiblePositionManager', uniswapArtifact('NonfungiblePositionManager'), mainnet.nonfungiblePositionManager, [
    mainnet.uniswapV3Factory,
    mainnet.weth,
    zeroAddress, // token descriptor: only tokenURI needs it
  ]);
  await place('SwapRouter', uniswapArtifact('SwapRouter'), mainnet.swapRouter, [mainnet.uniswapV3Factory, mainnet.weth]);
  await place('SwapRouter02', uniswapArtifact('SwapRouter02'), mainnet.swapRouter02, [
    mainnet.uniswapV2Factory,
    mainnet.uniswapV3Factory,
    mainnet.nonfungiblePositionManager,
    mainnet.weth,
  ]);
  await place('QuoterV2', uniswapArtifact('QuoterV2'), mainnet.quoterV2, [mainnet.uniswapV3Factory, mainnet.weth]);
  // V4 first: the router's immutables point at the PoolManager and the V4 PositionManager.
  await placeV4Contracts(client, deployer);
  await place('UniversalRouter', uniswapArtifact('UniversalRouter'), mainnet.universalRouter, [
    {
      permit2: mainnet.permit2,
      weth9: mainnet.weth,
      v2Factory: mainnet.uniswapV2Factory,
      v3Factory: mainnet.uniswapV3Factory,
      pairInitCodeHash: initCodeHashes.uniswapV2Pair,
      poolInitCodeHash: initCodeHashes.uniswapV3Pool,
      v4PoolManager: mainnetV4.poolManager,
      v3NFTPositionManager: mainnet.nonfungiblePositionManager,
      v4PositionManager: mainnetV4.positionManager,
      spokePool: zeroAddress,
    },
  ]);
}

const peripheryAbi = parseAbi([
  'function factory() view returns (address)',
  'function factoryV2() view returns (address)',
  'function WETH() view returns (address)',
  'function WETH9() view returns (address)',
  'function positionManager() view returns (address)',
  'function feeToSetter() view returns (address)',
  'function allPairsLength() view returns (uint256)',
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
]);

export type PlacementCheck = { contract: string; call: string; expected: string; actual: string };

/**
 * Proves each placed contract by calls (not by code being present): every getter that exposes an immutable
 * or constructor-written slot must return the mainnet value. Throws PlacementError listing any mismatch.
 */
export async function verifyUniswapContracts(client: DevnetClient, deployer: Address): Promise<PlacementCheck[]> {
  const read = (address: Address, functionName: string, args: readonly unknown[] = []) =>
    client
      .readContract({ address, abi: [...peripheryAbi, ...v3FactoryAbi], functionName: functionName as never, args: args as never })
      .then(String, (error: Error) => `error: ${error.message.split('\n')[0]}`);

  const expectations: Array<[string, Address, string, readonly unknown[], string]> = [
    ['WETH9', mainnet.weth, 'name', [], 'Wrapped Ether'],
    ['WETH9', mainnet.weth, 'decimals', [], '18'],
    ['UniswapV2Factory', mainnet.uniswapV2Factory, 'feeToSetter', [], deployer],
    ['UniswapV2Factory', mainnet.uniswapV2Factory, 'allPairsLength', [], '0'],
    ['SushiSwap factory', mainnet.sushiswapFactory, 'feeToSetter', [], deployer],
    ['UniswapV2Router02', mainnet.uniswapV2Router02, 'factory', [], mainnet.uniswapV2Factory],
    ['UniswapV2Router02', mainnet.uniswapV2Router02, 'WETH', [], mainnet.weth],
    ['SushiSwap router', mainnet.sushiswapRouter, 'factory', [], mainnet.sushiswapFactory],
    ['SushiSwap router', mainnet.sushiswapRouter, 'WETH', [], mainnet.weth],
    ['UniswapV3Factory', mainnet.uniswapV3Factory, 'owner', [], deployer],
    ...Object.entries({ 100: 1, ...v3FeeTickSpacing }).map(
      ([fee, spacing]) =>
        ['UniswapV3Factory', mainnet.uniswapV3Factory, 'feeAmountTickSpacing', [Number(fee)], String(spacing)] as [
          string, Address, string, readonly unknown[], string,
        ],
    ),
    ['NonfungiblePositionManager', mainnet.nonfungiblePositionManager, 'factory', [], mainnet.uniswapV3Factory],
    ['NonfungiblePositionManager', mainnet.nonfungiblePositionManager, 'WETH9', [], mainnet.weth],
    ['NonfungiblePositionManager', mainnet.nonfungiblePositionManager, 'name', [], 'Uniswap V3 Positions NFT-V1'],
    ['SwapRouter', mainnet.swapRouter, 'factory', [], mainnet.uniswapV3Factory],
    ['SwapRouter', mainnet.swapRouter, 'WETH9', [], mainnet.weth],
    ['SwapRouter02', mainnet.swapRouter02, 'factory', [], mainnet.uniswapV3Factory],
    ['SwapRouter02', mainnet.swapRouter02, 'factoryV2', [], mainnet.uniswapV2Factory],
    ['SwapRouter02', mainnet.swapRouter02, 'positionManager', [], mainnet.nonfungiblePositionManager],
    ['SwapRouter02', mainnet.swapRouter02, 'WETH9', [], mainnet.weth],
    ['QuoterV2', mainnet.quoterV2, 'factory', [], mainnet.uniswapV3Factory],
    ['QuoterV2', mainnet.quoterV2, 'WETH9', [], mainnet.weth],
  ];
  const checks = await Promise.all(
    expectations.map(async ([contract, address, call, args, expected]) => ({
      contract,
      call: `${call}(${args.join(',')})`,
      expected,
      actual: await read(address, call, args),
    })),
  );
  const wrong = checks.filter((check) => check.actual.toLowerCase() !== check.expected.toLowerCase());
  if (wrong.length > 0) {
    const lines = wrong.map((check) => `  ${check.contract}.${check.call} = ${check.actual}, expected ${check.expected}`);
    throw new PlacementError('PLACEMENT', `placed contracts answer wrongly:\n${lines.join('\n')}`);
  }
  return checks;
}
