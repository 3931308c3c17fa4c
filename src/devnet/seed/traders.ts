import { maxUint256, type Address } from 'viem';
import { parseUnitsExact } from '../../units/decimal.ts';
import { mainnet } from '../../chain/addresses.ts';
import { callAndConfirm, type DevnetClient } from '../client.ts';
import type { Scenario } from '../scenario/schema.ts';
import { erc20Abi, type DevnetToken } from '../tokens.ts';

/** Routers a trader approves for every token it holds (the UniversalRouter path takes ETH, see traffic). */
export const approvedRouters: readonly Address[] = [
  mainnet.uniswapV2Router02,
  mainnet.sushiswapRouter,
  mainnet.swapRouter,
  mainnet.swapRouter02,
];

/** Gives each trader its ETH and tokens, and the approvals a user of those routers would have given. */
export async function fundTraders(
  client: DevnetClient,
  deployer: Address,
  traders: readonly Address[],
  funding: Scenario['traders'],
  tokens: readonly DevnetToken[],
): Promise<void> {
  const eth = parseUnitsExact(funding.eth, 18);
  const holdings = Object.entries(funding.tokens).map(([symbol, amount]) => {
    const token = tokens.find((candidate) => candidate.symbol === symbol)!;
    return { token, amount: parseUnitsExact(amount, token.decimals) };
  });
  const weth = holdings.find((holding) => holding.token.kind === 'weth')?.amount ?? 0n;
  await Promise.all(traders.map((trader) => client.setBalance({ address: trader, value: eth + weth })));

  const mints = (async () => {
    for (const trader of traders) {
      for (const { token, amount } of holdings) {
        if (token.kind === 'weth' || amount === 0n) continue;
        await callAndConfirm(client, { from: deployer, to: token.address, abi: erc20Abi, functionName: 'mint', args: [trader, amount], label: `mint ${token.symbol} to ${trader}` });
      }
    }
  })();
  const approvals = traders.map(async (trader) => {
    if (weth > 0n) {
      await callAndConfirm(client, { from: trader, to: mainnet.weth, abi: erc20Abi, functionName: 'deposit', value: weth, label: `wrap WETH for ${trader}` });
    }
    for (const token of tokens) {
      for (const router of approvedRouters) {
        await callAndConfirm(client, { from: trader, to: token.address, abi: erc20Abi, functionName: 'approve', args: [router, maxUint256], label: `approve ${token.symbol} for ${trader}` });
      }
    }
  });
  await Promise.all([mints, ...approvals]);
}
