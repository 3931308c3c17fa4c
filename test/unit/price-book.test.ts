import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { sideAmounts, wethPrices } from '../../src/state/liquidityFloor.ts';
import { WethPriceBook } from '../../src/state/priceBook.ts';
import type { Pool, V2Pair } from '../../src/state/types.ts';

// The floor's price book: built like wethPrices (the reference, a separate computation over every pool), then kept
// with the pools that move, pool by pool.

const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const e18 = 10n ** 18n;
const WETH = address(0xeeee);
const pair = (n: number, a: Address, b: Address, amountA: bigint, amountB: bigint): V2Pair => {
  const [token0, token1, reserve0, reserve1] = a.toLowerCase() < b.toLowerCase() ? [a, b, amountA, amountB] : [b, a, amountB, amountA];
  return { kind: 'v2', address: address(n), token0, token1, reserve0, reserve1, feeBps: 30n };
};
const low = (token: Address) => token.toLowerCase();

function randomMarket(seed: number, tokens = 60, pools = 300) {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const amount = () => BigInt(Math.floor(random() * 1_000_000) + 1) * 10n ** BigInt(12 + Math.floor(random() * 8));
  const names = [WETH, ...Array.from({ length: tokens }, (_, i) => address(0x1000 + i))];
  const market: Pool[] = [];
  for (let i = 0; i < pools; i++) {
    const a = names[Math.floor(random() * names.length)]!;
    let b = names[Math.floor(random() * names.length)]!;
    if (a === b) b = names[(names.indexOf(a) + 1) % names.length]!;
    market.push(pair(0x10_000 + i, a, b, amount(), amount()));
  }
  return { market, names, random, amount };
}

describe('the WETH price book', () => {
  it('built over a market, prices every token exactly as wethPrices does', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { market, names } = randomMarket(seed);
      const book = new WethPriceBook(market, WETH);
      const reference = wethPrices(market, WETH);
      expect(reference.size).toBeGreaterThan(10);
      for (const token of names) {
        const ours = book.get(low(token));
        const full = reference.get(low(token));
        expect(ours === undefined, token).toBe(full === undefined);
        if (ours && full) expect({ num: ours.num, den: ours.den, depth: ours.depth }, token).toEqual({ num: full.num, den: full.den, depth: full.depth });
      }
    }
  });

  it('after any moves, every price is its source pool now against a token nearer WETH, at most three pools away', () => {
    const { market, names, random, amount } = randomMarket(7);
    const book = new WethPriceBook(market, WETH);
    const byAddress = new Map(market.map((pool) => [low(pool.address), pool]));
    for (let step = 0; step < 2_000; step++) {
      const at = Math.floor(random() * market.length);
      const old = market[at]!;
      // Sometimes a pool empties (its source role ends); mostly it trades.
      const moved = { ...old, reserve0: random() < 0.05 ? 0n : amount(), reserve1: amount() } as V2Pair;
      market[at] = moved;
      byAddress.set(low(moved.address), moved);
      book.move([moved]);
    }
    const entries = (book as unknown as { entries: Map<string, { source: string; via: string }> }).entries;
    let priced = 0;
    for (const token of names.slice(1)) {
      const price = book.get(low(token));
      if (!price) continue;
      priced++;
      const entry = entries.get(low(token))!;
      const source = byAddress.get(entry.source)!;
      const [amount0, amount1] = sideAmounts(source);
      const viaIs0 = low(source.token0) === entry.via;
      const [viaAmount, amount] = viaIs0 ? [amount0, amount1] : [amount1, amount0];
      const via = book.get(entry.via)!;
      expect(via, token).toBeDefined();
      // price = viaAmount / amount * price(via), as rationals.
      expect(price.num * amount * via.den, token).toBe(viaAmount * via.num * price.den);
      // At most three pools from WETH, and no loop.
      let hops = 0;
      for (let t = low(token); t !== low(WETH); t = entries.get(t)!.via) hops++;
      expect(hops).toBeLessThanOrEqual(3);
    }
    expect(priced).toBeGreaterThan(10);
  });

  it('a deeper pool takes over when it moves, a pool nearer WETH too; an emptied source leaves the token unpriced until another moves', () => {
    const X = address(0x1);
    const Y = address(0x2);
    const Z = address(0x3);
    const deep = pair(0x101, WETH, X, 100n * e18, 200n * e18); // X = 1/2 WETH
    const shallow = pair(0x102, WETH, X, e18, e18); // X = 1 WETH
    const xy = pair(0x103, X, Y, 100n * e18, 100n * e18); // Y priced off X
    const yz = pair(0x104, Y, Z, 10n * e18, 20n * e18); // Z off Y
    const book = new WethPriceBook([deep, shallow, xy, yz], WETH);
    const ratio = (token: Address) => {
      const price = book.get(low(token))!;
      return Number(price.num) / Number(price.den);
    };
    expect(ratio(X)).toBe(0.5);
    expect(ratio(Y)).toBe(0.5);
    expect(ratio(Z)).toBe(0.25);
    // The shallow pair moves but stays shallower: the price is still the deep pair's.
    book.move([pair(0x102, WETH, X, 2n * e18, e18)]);
    expect(ratio(X)).toBe(0.5);
    // The source moves: X follows it at once, and so do Y and Z read off it (no walk over them).
    book.move([pair(0x101, WETH, X, 100n * e18, 100n * e18)]);
    expect([ratio(X), ratio(Y), ratio(Z)]).toEqual([1, 1, 0.5]);
    // The shallow pair gets deeper than the source and moves: it is the source now.
    book.move([pair(0x102, WETH, X, 500n * e18, 2_000n * e18)]);
    expect(ratio(X)).toBe(0.25);
    // A WETH pair of Z (nearer WETH than through X and Y) prices Z however shallow.
    const wz = pair(0x105, WETH, Z, e18 / 10n, e18 / 10n);
    book.move([wz]);
    expect(ratio(Z)).toBe(1);
    // Y's source empties: Y has no price, Z (read off WETH now) keeps one.
    book.move([pair(0x103, X, Y, 0n, 0n)]);
    expect(book.get(low(Y))).toBeUndefined();
    expect(ratio(Z)).toBe(1);
    // Another of Y's pools moves: Y is priced again, off Z.
    book.move([pair(0x104, Y, Z, 10n * e18, 10n * e18)]);
    expect(ratio(Y)).toBe(1);
  });
});
