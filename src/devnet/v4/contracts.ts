/**
 * Places Uniswap V4 on the devnet at its mainnet addresses: the real PoolManager (v4-core, BUSL-1.1: used here
 * on a local devnet only, never deployed to a public chain), StateView, V4Quoter and PositionManager
 * (v4-periphery), and Permit2's mainnet runtime code, which the PositionManager (and the router's Permit2 paths)
 * need. The UniversalRouter is placed after this, pointing at the PoolManager (uniswap.ts).
 */
import { parseAbi, zeroAddress, type Address } from 'viem';
import { mainnet, mainnetV4 } from '../../chain/addresses.ts';
import type { DevnetClient } from '../client.ts';
import { placeContract, PlacementError } from '../place.ts';
import { permit2RuntimeCode, v4Artifact } from './artifacts.ts';

/** PositionManager's gas limit for unsubscribe notifications: the mainnet deployment's value. */
export const unsubscribeGasLimit = 300_000n;

export async function placeV4Contracts(client: DevnetClient, deployer: Address): Promise<void> {
  const code = await client.getCode({ address: mainnet.permit2 });
  if (!code || code === '0x') await client.setCode({ address: mainnet.permit2, bytecode: permit2RuntimeCode() });
  const core = '@uniswap/v4-core/out' as const;
  const periphery = '@uniswap/v4-periphery/foundry-out' as const;
  const place = (label: string, artifact: ReturnType<typeof v4Artifact>, target: Address, args: readonly unknown[]) =>
    placeContract(client, { deployer, artifact, target, args, label });
  await place('PoolManager', v4Artifact(core, 'PoolManager'), mainnetV4.poolManager, [deployer]);
  await place('StateView', v4Artifact(periphery, 'StateView'), mainnetV4.stateView, [mainnetV4.poolManager]);
  await place('V4Quoter', v4Artifact(periphery, 'V4Quoter'), mainnetV4.quoter, [mainnetV4.poolManager]);
  await place('PositionManager', v4Artifact(periphery, 'PositionManager'), mainnetV4.positionManager, [
    mainnetV4.poolManager,
    mainnet.permit2,
    unsubscribeGasLimit,
    zeroAddress, // token descriptor: only tokenURI needs it
    mainnet.weth,
  ]);
}

const checkAbi = parseAbi([
  'function owner() view returns (address)',
  'function poolManager() view returns (address)',
  'function permit2() view returns (address)',
  'function WETH9() view returns (address)',
  'function unsubscribeGasLimit() view returns (uint256)',
  'function name() view returns (string)',
  'function DOMAIN_SEPARATOR() view returns (bytes32)',
]);

/** Proves the placement by calls: every immutable or constructor-written getter answers the mainnet value. */
export async function verifyV4Contracts(client: DevnetClient, deployer: Address): Promise<void> {
  const read = (address: Address, functionName: string) =>
    client.readContract({ address, abi: checkAbi, functionName: functionName as never }).then(String, (error: Error) => `error: ${error.message.split('\n')[0]}`);
  const expectations: Array<[string, Address, string, string]> = [
    ['PoolManager', mainnetV4.poolManager, 'owner', deployer],
    ['StateView', mainnetV4.stateView, 'poolManager', mainnetV4.poolManager],
    ['V4Quoter', mainnetV4.quoter, 'poolManager', mainnetV4.poolManager],
    ['PositionManager', mainnetV4.positionManager, 'poolManager', mainnetV4.poolManager],
    ['PositionManager', mainnetV4.positionManager, 'permit2', mainnet.permit2],
    ['PositionManager', mainnetV4.positionManager, 'WETH9', mainnet.weth],
    ['PositionManager', mainnetV4.positionManager, 'unsubscribeGasLimit', String(unsubscribeGasLimit)],
    ['UniversalRouter', mainnet.universalRouter, 'poolManager', mainnetV4.poolManager],
  ];
  const wrong: string[] = [];
  for (const [contract, address, call, expected] of expectations) {
    const actual = await read(address, call);
    if (actual.toLowerCase() !== expected.toLowerCase()) wrong.push(`  ${contract}.${call}() = ${actual}, expected ${expected}`);
  }
  const permit2 = await read(mainnet.permit2, 'DOMAIN_SEPARATOR');
  if (!permit2.startsWith('0x')) wrong.push(`  Permit2.DOMAIN_SEPARATOR() = ${permit2}`);
  if (wrong.length > 0) throw new PlacementError('PLACEMENT', `placed V4 contracts answer wrongly:\n${wrong.join('\n')}`);
}
