import { encodeDeployData, parseAbi, type Address } from 'viem';
import { mainnet, mainnetTokens } from '../chain/addresses.ts';
import { forgeArtifact } from './artifacts.ts';
import { sendAndConfirm, type DevnetClient } from './client.ts';
import { placeContract, PlacementError } from './place.ts';
import type { ScenarioToken } from './scenario/schema.ts';

export type TokenKind = ScenarioToken['kind'] | 'weth';

export type DevnetToken = { symbol: string; name: string; address: Address; decimals: number; kind: TokenKind };

export const wethToken: DevnetToken = { symbol: 'WETH', name: 'Wrapped Ether', address: mainnet.weth, decimals: 18, kind: 'weth' };

const contractOfKind = {
  standard: 'StandardToken',
  noReturn: 'NoReturnToken',
  feeOnTransfer: 'FeeOnTransferToken',
  honeypot: 'HoneypotToken',
  salmonella: 'SalmonellaToken',
} as const satisfies Record<ScenarioToken['kind'], string>;

/** What the devnet calls on tokens (the USDT-like kind returns nothing; encoding does not care). */
export const erc20Abi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function allowance(address, address) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function mint(address to, uint256 amount)',
  'function setPool(address pool, bool allowed)',
  'function deposit() payable',
]);

/**
 * Deploys the scenario's tokens, owned by the deployer. A token named like a mainnet major (USDC, USDT,
 * DAI, WBTC) is placed at that mainnet address, so pair ordering and addresses look like mainnet's.
 */
export async function deployTokens(
  client: DevnetClient,
  deployer: Address,
  tokens: readonly ScenarioToken[],
): Promise<DevnetToken[]> {
  const deployed: DevnetToken[] = [wethToken];
  for (const token of tokens) {
    const contract = contractOfKind[token.kind];
    const artifact = forgeArtifact(`${contract}.sol`, contract);
    const name = token.name ?? token.symbol;
    const args: unknown[] = [name, token.symbol, token.decimals, deployer];
    if (token.kind === 'feeOnTransfer') args.push(BigInt(token.feeBps));
    if (token.kind === 'salmonella') args.push(BigInt(token.creditBps));

    const mainnetAddress = mainnetTokens[token.symbol];
    let address: Address;
    if (mainnetAddress) {
      await placeContract(client, { deployer, artifact, args, target: mainnetAddress, label: token.symbol });
      address = mainnetAddress;
    } else {
      const receipt = await sendAndConfirm(client, {
        from: deployer,
        data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args }),
        label: `deploy ${token.symbol}`,
      });
      if (!receipt.contractAddress) throw new PlacementError('PLACEMENT', `deploy ${token.symbol}: no contract address`);
      address = receipt.contractAddress;
    }
    deployed.push({ symbol: token.symbol, name, address, decimals: token.decimals, kind: token.kind });
  }
  return deployed;
}

export function tokenBySymbol(tokens: readonly DevnetToken[], symbol: string): DevnetToken {
  const token = tokens.find((candidate) => candidate.symbol === symbol);
  if (!token) throw new Error(`unknown token ${symbol}`);
  return token;
}
