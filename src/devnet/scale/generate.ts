import { normal, seededRandom, type Random } from '../traffic/random.ts';

/**
 * The mainnet-shaped market of `--scenario scale[:N]`, as plain values: no chain, no clock. A seed and a pool
 * count decide everything, so the same inputs always build the same chain (and hit the same cache entry).
 *
 * Shape: the 5 hubs (WETH, USDC, USDT, DAI, WBTC) plus generated tokens; every token has a price in WETH, and
 * every pool is priced at the ratio of its tokens' prices times a small noise. Pairs are drawn hubs first (WETH
 * pairs with every token, the stables and WBTC with the popular ones), then random pairs of popular tokens.
 * Liquidity is heavy-tailed: the most popular pools are deep, a tenth are middling, the rest are dust.
 *
 * Floats decide shapes (which pairs, how deep, how noisy); every amount is then an exact bigint derived from
 * integer prices, so the chain holds exactly what this function says.
 */

/** Bump when the output for a given seed and size changes: it keys the on-disk chain cache. */
export const scaleGeneratorVersion = 1;
/** `--scenario scale` without a size: 20,250 V2/Sushi pairs and 2,250 V3 pools. */
export const fullScalePools = 22_500;
export const minScalePools = 50;
export const maxScalePools = 500_000;
export const defaultScaleSeed = 1;

export type ScaleToken = {
  symbol: string;
  name: string;
  decimals: number;
  kind: 'weth' | 'standard' | 'noReturn';
  hub: boolean;
  /** WETH wei per whole token (10^decimals base units). */
  priceWei: bigint;
};

export type ScaleV2Pool = {
  dex: 'uniswapV2' | 'sushiswap';
  /** Indices into `tokens`. */
  tokens: [number, number];
  /** Initial reserves in base units, in the order of `tokens`. */
  amounts: [bigint, bigint];
};

export type V3Fee = 100 | 500 | 3000 | 10000;

export type ScaleV3Pool = {
  fee: V3Fee;
  tokens: [number, number];
  /** Base units of tokens[1] per base unit of tokens[0] (noise included), as a ratio. */
  price: { numerator: bigint; denominator: bigint };
  /** WETH wei the full-range position holds of the second token (about half its value). */
  valueWei: bigint;
  /** Deep pools also get a concentrated position around the price. */
  concentrated: boolean;
};

export type ScaleMarket = {
  version: number;
  seed: number;
  poolCount: number;
  tokens: ScaleToken[];
  v2: ScaleV2Pool[];
  v3: ScaleV3Pool[];
};

export type GenerateScaleMarketParameters = { seed?: number; pools?: number };

const weth = 10n ** 18n;
const usdPriceWei = weth / 3000n; // ETH at 3000 USD, as in the default scenario
const hubTokens: ScaleToken[] = [
  { symbol: 'WETH', name: 'Wrapped Ether', decimals: 18, kind: 'weth', hub: true, priceWei: weth },
  { symbol: 'USDC', name: 'USD Coin', decimals: 6, kind: 'standard', hub: true, priceWei: usdPriceWei },
  { symbol: 'USDT', name: 'Tether USD', decimals: 6, kind: 'noReturn', hub: true, priceWei: usdPriceWei },
  { symbol: 'DAI', name: 'Dai Stablecoin', decimals: 18, kind: 'standard', hub: true, priceWei: usdPriceWei },
  { symbol: 'WBTC', name: 'Wrapped BTC', decimals: 8, kind: 'standard', hub: true, priceWei: 20n * weth },
];
const hubCount = hubTokens.length;

/** Pool noise: the pool's price is the tokens' price ratio times (1 + noise), noise uniform in +-0.2%. */
const noisePpm = 2000;
const ppm = 1_000_000n;

/** Liquidity tiers, in WETH per side (log-uniform inside a tier). */
const tiers = { deep: [50, 20_000], mid: [0.5, 20], dust: [0.002, 0.2] } as const;
type Tier = keyof typeof tiers;

export function tokenCountFor(pools: number): number {
  return Math.max(30, Math.ceil(pools / 60));
}

function logUniform(random: Random, low: number, high: number): number {
  return Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low)));
}

/** A float amount of WETH as exact wei (micro-WETH precision is plenty for a shape). */
const wethToWei = (value: number): bigint => BigInt(Math.max(1, Math.round(value * 1e6))) * 10n ** 12n;

function generateTokens(random: Random, count: number): ScaleToken[] {
  const tokens = [...hubTokens];
  for (let i = 1; tokens.length < count; i++) {
    const draw = random();
    // Most tokens have 18 decimals; the few with 6 or 8 are pricier per base unit, so they are kept below 0.01 WETH
    // a token (dust pools still hold thousands of base units).
    const decimals = draw < 0.75 ? 18 : draw < 0.8 ? 9 : draw < 0.85 ? 8 : 6;
    const price = decimals >= 9 ? logUniform(random, 1e-9, 1) : logUniform(random, 1e-6, 1e-2);
    const symbol = `T${String(i).padStart(4, '0')}`;
    tokens.push({ symbol, name: `Scale Token ${i}`, decimals, kind: 'standard', hub: false, priceWei: BigInt(Math.round(price * 1e18)) });
  }
  return tokens;
}

/** Popularity of a token: hubs first (WETH most), then a Zipf tail in index order. */
const popularity = (index: number): number => (index === 0 ? 1e4 : index < hubCount ? 2e3 : 100 / (index - hubCount + 1));

const pairKey = (a: number, b: number): string => (a < b ? `${a}/${b}` : `${b}/${a}`);

/**
 * Candidate pairs in the order a market fills them: hub pairs, every token with WETH, the popular tokens with the
 * other hubs, then random pairs weighted by popularity. Deterministic for the random stream.
 */
function candidatePairs(random: Random, tokenCount: number, wanted: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const seen = new Set<string>();
  const add = (a: number, b: number) => {
    if (a === b || seen.has(pairKey(a, b))) return;
    seen.add(pairKey(a, b));
    pairs.push([a, b]);
  };
  for (let a = 0; a < hubCount; a++) for (let b = a + 1; b < hubCount; b++) add(a, b);
  for (let t = hubCount; t < tokenCount; t++) add(t, 0);
  for (let t = hubCount; t < tokenCount; t++) for (let hub = 1; hub < hubCount; hub++) if (random() < 0.9) add(t, hub);
  const nonHubs = tokenCount - hubCount;
  const drawToken = () => hubCount + Math.min(nonHubs - 1, Math.floor(nonHubs * random() ** 2));
  const maxPairs = (tokenCount * (tokenCount - 1)) / 2;
  for (let attempts = 0; pairs.length < Math.min(wanted, maxPairs) && attempts < wanted * 20; attempts++) add(drawToken(), drawToken());
  // Dense corner (small token counts): fill in index order.
  for (let a = 0; a < tokenCount && pairs.length < wanted; a++) for (let b = a + 1; b < tokenCount && pairs.length < wanted; b++) add(a, b);
  return pairs;
}

function noise(random: Random): bigint {
  return ppm + BigInt(Math.round((random() * 2 - 1) * noisePpm));
}

/** Assigns tiers by popularity (with a random factor): the top `deep` deep, the next tenth mid, the rest dust. */
function assignTiers(random: Random, pairs: ReadonlyArray<readonly [number, number]>, deep: number): Tier[] {
  const scores = pairs.map(([a, b], index) => ({ index, score: popularity(a) * popularity(b) * Math.exp(normal(random)) }));
  scores.sort((x, y) => y.score - x.score || x.index - y.index);
  const result: Tier[] = new Array(pairs.length).fill('dust');
  const mid = Math.round(pairs.length * 0.1);
  scores.forEach(({ index }, rank) => {
    result[index] = rank < deep ? 'deep' : rank < deep + mid ? 'mid' : 'dust';
  });
  return result;
}

const feeTiers: V3Fee[] = [500, 3000, 100, 10000];

/** Generates the market for `pools` pools (default the full size) from `seed`. Pure and deterministic. */
export function generateScaleMarket(parameters: GenerateScaleMarketParameters = {}): ScaleMarket {
  const seed = parameters.seed ?? defaultScaleSeed;
  const poolCount = parameters.pools ?? fullScalePools;
  if (!Number.isInteger(poolCount) || poolCount < minScalePools || poolCount > maxScalePools) {
    throw new RangeError(`scale market: pools must be an integer from ${minScalePools} to ${maxScalePools} (got ${poolCount})`);
  }
  const random = seededRandom(seed);
  const tokens = generateTokens(random, tokenCountFor(poolCount));
  const v3Count = Math.round(poolCount * 0.1);
  const v2Count = poolCount - v3Count;
  const uniCount = Math.round(v2Count * 0.6);
  const sushiCount = v2Count - uniCount;
  const deepShare = 300 / fullScalePools;

  const pairs = candidatePairs(random, tokens.length, uniCount);
  const v2: ScaleV2Pool[] = [];
  const buildV2 = (dex: ScaleV2Pool['dex'], chosen: ReadonlyArray<readonly [number, number]>) => {
    const tierOf = assignTiers(random, chosen, Math.round(chosen.length * deepShare * (dex === 'sushiswap' ? 0.6 : 1.2)));
    chosen.forEach(([a, b], index) => {
      const [low, high] = tiers[tierOf[index]!];
      const valueWei = wethToWei(logUniform(random, low, high));
      const [tokenA, tokenB] = [tokens[a]!, tokens[b]!];
      const amountA = (valueWei * 10n ** BigInt(tokenA.decimals) * noise(random)) / (tokenA.priceWei * ppm);
      const amountB = (valueWei * 10n ** BigInt(tokenB.decimals)) / tokenB.priceWei;
      v2.push({ dex, tokens: [a, b], amounts: [amountA, amountB] });
    });
  };
  buildV2('uniswapV2', pairs.slice(0, uniCount));
  // SushiSwap lists a subset of the same pairs (mostly the popular ones), like on mainnet.
  const listed = pairs.slice(0, uniCount).map((pair, index) => ({ pair, take: index < uniCount / 3 || random() < 0.5 }));
  const sushiPairs = [...listed.filter(({ take }) => take), ...listed.filter(({ take }) => !take)].slice(0, sushiCount).map(({ pair }) => pair);
  buildV2('sushiswap', sushiPairs);

  // V3: popular pairs in several fee tiers, rotating the tiers so each is present from the first few pools.
  const v3Keys = new Set<string>();
  const v3Pairs: Array<{ pair: readonly [number, number]; fee: V3Fee }> = [];
  for (let round = 0; v3Pairs.length < v3Count && round < feeTiers.length * 4; round++) {
    for (const [index, pair] of pairs.entries()) {
      if (v3Pairs.length >= v3Count) break;
      const fee = feeTiers[(index + round) % feeTiers.length]!;
      const key = `${pairKey(pair[0], pair[1])}:${fee}`;
      // The first round takes every pair; later rounds add further tiers to the popular ones.
      if (v3Keys.has(key) || (round > 0 && random() < 0.5)) continue;
      v3Keys.add(key);
      v3Pairs.push({ pair, fee });
      if (round === 0 && v3Pairs.length >= v3Count * 0.6) break;
    }
  }
  const v3Tiers = assignTiers(random, v3Pairs.map(({ pair }) => pair), Math.round(v3Pairs.length * deepShare * 1.5));
  const v3: ScaleV3Pool[] = v3Pairs.map(({ pair: [a, b], fee }, index) => {
    const tier = v3Tiers[index]!;
    const [low, high] = tiers[tier];
    const [tokenA, tokenB] = [tokens[a]!, tokens[b]!];
    const n = noise(random);
    return {
      fee,
      tokens: [a, b],
      // (priceA / 10^decA) / (priceB / 10^decB), times the noise
      price: {
        numerator: tokenA.priceWei * 10n ** BigInt(tokenB.decimals) * n,
        denominator: tokenB.priceWei * 10n ** BigInt(tokenA.decimals) * ppm,
      },
      valueWei: wethToWei(logUniform(random, low, high)),
      concentrated: tier === 'deep',
    };
  });
  return { version: scaleGeneratorVersion, seed, poolCount, tokens, v2, v3 };
}
