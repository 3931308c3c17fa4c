import type { Address } from 'viem';
import type { MarketState } from './market.ts';

/**
 * The pools a drift check compares with the chain after a block: the pools the block changed first, then
 * pools drawn at random by index, `size` in all, distinct. The work is what is drawn (a few lookups), not the
 * market's size: no list of every address is built. Draws are bounded (a market smaller than the sample is
 * taken whole, by index).
 */
export function driftSample(market: MarketState, changed: Iterable<Address>, size: number, random: () => number = Math.random): Address[] {
  const sample: Address[] = [];
  const taken = new Set<string>();
  const take = (address: Address) => {
    const key = address.toLowerCase();
    if (taken.has(key) || !market.get(address)) return;
    taken.add(key);
    sample.push(address);
  };
  for (const address of changed) {
    if (sample.length >= size) return sample;
    take(address);
  }
  const total = market.size;
  if (total <= size) {
    for (let index = 0; index < total && sample.length < size; index++) take(market.at(index)!.address);
    return sample;
  }
  // Rejection sampling: with the market larger than the sample, each draw is new with probability above
  // 1 - size/total, so a few times `size` draws fill it; the bound stops a pathological random source.
  for (let draws = 0; sample.length < size && draws < size * 16; draws++) take(market.at(Math.floor(random() * total))!.address);
  return sample;
}
