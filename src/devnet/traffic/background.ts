import { encodeFunctionData, getAddress, parseAbi, type Address, type Hex } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import type { DevnetToken } from '../tokens.ts';
import { pickOne, pickWeighted, type Random } from './random.ts';

/**
 * The part of a mainnet block that is not swaps: token transfers and approvals, ETH transfers, WETH wraps and
 * unwraps, and calls to the routers that trade nothing. A searcher's watcher sees all of it and must classify
 * it as "no swap" cheaply. Pure: a draw of orders from a seeded random stream; the traffic shell signs and sends.
 */
export const backgroundKinds = ['tokenTransfer', 'approve', 'ethTransfer', 'wrap', 'unwrap', 'routerCall'] as const;
export type BackgroundKind = (typeof backgroundKinds)[number];

/** Shares of the non-swap part of a block (roughly mainnet's: transfers dominate). */
const weights: Record<BackgroundKind, number> = { tokenTransfer: 35, approve: 15, ethTransfer: 25, wrap: 8, unwrap: 7, routerCall: 10 };
/** Gas limits: generous over what each call uses (an unused limit costs nothing). */
const gasLimits: Record<BackgroundKind, bigint> = { tokenTransfer: 90_000n, approve: 70_000n, ethTransfer: 21_000n, wrap: 70_000n, unwrap: 70_000n, routerCall: 80_000n };

export type BackgroundOrder = { kind: BackgroundKind; trader: number; to: Address; data: Hex; value: bigint; gas: bigint; tip: bigint };

const abi = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function deposit() payable',
  'function withdraw(uint256 amount)',
  'function refundETH() payable',
  'function quote(uint256 amountA, uint256 reserveA, uint256 reserveB) pure returns (uint256)',
]);

export type BackgroundContext = {
  traderCount: number;
  /** Tokens every trader holds (transfers move these). */
  held: readonly DevnetToken[];
  /** Every token of the market (approvals may name any of them). */
  tokens: readonly DevnetToken[];
};

const gwei = 1_000_000_000;

/** A fresh-looking address from the random stream (most mainnet transfers go to addresses seen once). */
function randomAddress(random: Random): Address {
  let hex = '';
  while (hex.length < 40) hex += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return getAddress(`0x${hex.slice(0, 40)}`);
}

/** A small amount of a token: between 0.001 and 0.1 whole tokens, in base units. */
function smallAmount(random: Random, decimals: number): bigint {
  const thousandths = BigInt(1 + Math.floor(random() * 100));
  return decimals >= 3 ? (thousandths * 10n ** BigInt(decimals)) / 1000n : thousandths;
}

/** Draws `count` non-swap transactions. */
export function planBackground(random: Random, count: number, context: BackgroundContext): BackgroundOrder[] {
  const orders: BackgroundOrder[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pickWeighted(random, backgroundKinds, (candidate) => weights[candidate])!;
    const trader = Math.floor(random() * context.traderCount);
    const tip = BigInt(Math.round((1 + random() * 2) * gwei));
    const base = { kind, trader, gas: gasLimits[kind], tip, value: 0n };
    switch (kind) {
      case 'tokenTransfer': {
        const token = pickOne(random, context.held)!;
        orders.push({ ...base, to: token.address, data: encodeFunctionData({ abi, functionName: 'transfer', args: [randomAddress(random), smallAmount(random, token.decimals)] }) });
        break;
      }
      case 'approve': {
        const token = pickOne(random, context.tokens)!;
        orders.push({ ...base, to: token.address, data: encodeFunctionData({ abi, functionName: 'approve', args: [randomAddress(random), smallAmount(random, token.decimals) * 1000n] }) });
        break;
      }
      case 'ethTransfer':
        orders.push({ ...base, to: randomAddress(random), data: '0x', value: smallAmount(random, 18) });
        break;
      case 'wrap':
        orders.push({ ...base, to: mainnet.weth, data: encodeFunctionData({ abi, functionName: 'deposit' }), value: smallAmount(random, 18) });
        break;
      case 'unwrap':
        orders.push({ ...base, to: mainnet.weth, data: encodeFunctionData({ abi, functionName: 'withdraw', args: [smallAmount(random, 18)] }) });
        break;
      case 'routerCall':
        // Router calls that trade nothing: a V3 router's refundETH (with no ETH held it pays nothing) or a V2 router's quote.
        orders.push(
          random() < 0.5
            ? { ...base, to: random() < 0.5 ? mainnet.swapRouter : mainnet.swapRouter02, data: encodeFunctionData({ abi, functionName: 'refundETH' }) }
            : { ...base, to: random() < 0.5 ? mainnet.uniswapV2Router02 : mainnet.sushiswapRouter, data: encodeFunctionData({ abi, functionName: 'quote', args: [10n ** 18n, 10n ** 21n, 3n * 10n ** 24n] }) },
        );
        break;
    }
  }
  return orders;
}
