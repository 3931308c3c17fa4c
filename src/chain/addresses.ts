import { getAddress, type Address } from 'viem';

/**
 * Ethereum mainnet addresses the devnet reproduces. Code placed here answers like mainnet does, so
 * calldata, pool addresses (CREATE2 from these factories) and router immutables are the real ones.
 */
export const mainnet = {
  weth: getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'),
  uniswapV2Factory: getAddress('0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f'),
  uniswapV2Router02: getAddress('0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D'),
  sushiswapFactory: getAddress('0xC0AEe478e3658e2610c5F7A4A2E1777cE9e4f2Ac'),
  sushiswapRouter: getAddress('0xd9e1cE17f2641f24aE83637ab66a2cca9C378B9F'),
  uniswapV3Factory: getAddress('0x1F98431c8aD98523631AE4a59f267346ea31F984'),
  swapRouter: getAddress('0xE592427A0AEce92De3Edee1F18E0157C05861564'),
  swapRouter02: getAddress('0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45'),
  quoterV2: getAddress('0x61fFE014bA17989E743c5F6cB21bF9697530B21e'),
  nonfungiblePositionManager: getAddress('0xC36442b4a4522E871399CD717aBDD847Ab11FE88'),
  universalRouter: getAddress('0x66a9893cC07D91D95644AEDD05D03f95e1dBA8Af'),
  permit2: getAddress('0x000000000022D473030F116dDEE9F6B43aC78BA3'),
} as const satisfies Record<string, Address>;

/**
 * Uniswap V4 on mainnet (docs.uniswap.org/contracts/v4/deployments): one PoolManager holds every pool; the
 * periphery reads (StateView), quotes (V4Quoter) and manages positions (PositionManager) around it.
 */
export const mainnetV4 = {
  poolManager: getAddress('0x000000000004444c5dc75cB358380D2e3dE08A90'),
  stateView: getAddress('0x7ffe42c4a5deea5b0fec41c94c136cf115597227'),
  quoter: getAddress('0x52f0e24d1c21c8a0cb1e5a5dd6198556bd9e1203'),
  positionManager: getAddress('0xbd216513d74c8cf14cf4747e6aaa6420ff64ee9e'),
} as const satisfies Record<string, Address>;

/** Mainnet addresses of well-known tokens; a scenario token with the same symbol may be placed there. */
export const mainnetTokens: Readonly<Record<string, Address>> = {
  USDC: getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'),
  USDT: getAddress('0xdAC17F958D2ee523a2206206994597C13D831ec7'),
  DAI: getAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F'),
  WBTC: getAddress('0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599'),
};

/**
 * Init code hashes. Pairs and pools on the devnet come from the real artifacts, whose hashes equal mainnet's
 * Uniswap ones. SushiSwap's mainnet pairs use a different hash; on the devnet its factory runs Uniswap's
 * bytecode, so its pairs use Uniswap's hash (the manifest records the hash per DEX).
 */
export const initCodeHashes = {
  uniswapV2Pair: '0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f',
  sushiswapPairMainnet: '0xe18a34eb0e04b04f7a0ac29a6e80748dca96319b42c54d679cb821dca90c6303',
  uniswapV3Pool: '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54',
} as const;

/** V3 fee tiers the real factory enables in its constructor, with their tick spacings. */
export const v3FeeTickSpacing: Readonly<Record<number, number>> = { 500: 10, 3000: 60, 10000: 200 };
