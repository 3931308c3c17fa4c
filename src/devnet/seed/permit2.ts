/**
 * The approvals a UniversalRouter user has given before a V4 swap paid in tokens: the router pulls ERC-20s through
 * Permit2 (V4Router's SETTLE_ALL pays the PoolManager with permit2.transferFrom from the user), so each trader
 * approves Permit2 for the token and lets the router spend it through Permit2. Native ETH needs neither.
 */
import { maxUint256, parseAbi, type Address } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import { callAndConfirm, type DevnetClient } from '../client.ts';
import { erc20Abi, type DevnetToken } from '../tokens.ts';

const permit2Abi = parseAbi(['function approve(address token, address spender, uint160 amount, uint48 expiration)']);
const maxUint160 = 2n ** 160n - 1n;
const maxUint48 = 2 ** 48 - 1;

export async function approvePermit2ForRouter(client: DevnetClient, traders: readonly Address[], tokens: readonly DevnetToken[]): Promise<void> {
  await Promise.all(
    traders.map(async (trader) => {
      for (const token of tokens) {
        await callAndConfirm(client, { from: trader, to: token.address, abi: erc20Abi, functionName: 'approve', args: [mainnet.permit2, maxUint256], label: `approve ${token.symbol} for Permit2 (${trader})` });
        await callAndConfirm(client, {
          from: trader,
          to: mainnet.permit2,
          abi: permit2Abi,
          functionName: 'approve',
          args: [token.address, mainnet.universalRouter, maxUint160, maxUint48],
          label: `Permit2: let the UniversalRouter spend ${token.symbol} (${trader})`,
        });
      }
    }),
  );
}
