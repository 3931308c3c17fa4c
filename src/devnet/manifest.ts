import { renameSync, writeFileSync } from 'node:fs';
import type { Address } from 'viem';
import { initCodeHashes, mainnet, mainnetV4 } from '../chain/addresses.ts';
import type { DevnetV4Pool } from './v4/pools.ts';
import type { DevnetPool } from './seed/pools.ts';
import type { DevnetToken } from './tokens.ts';
import type { RivalInfo } from './rivals/rival.ts';


/** What a devnet tells the programs that use it (the bot, tests, scripts). Addresses only: no keys. */
export type DevnetManifest = {
  chainId: number;
  rpcUrl: string;
  /** anvil's websocket; with private flow, relayed without the pending announcements of private transactions. */
  wsUrl: string;
  scenario: string;
  /** The head when the devnet became ready; scenario block k lands in startBlock + k. */
  startBlock: number;
  /** Seconds between blocks; 0 when blocks are mined on demand (evm_mine). */
  blockTime: number;
  /** The local builder's JSON-RPC endpoint (eth_sendBundle, Flashbots auth); it produces the blocks. */
  builderUrl: string;
  /**
   * The devnet's MEV Blocker-style relay: users' private swaps go to `rpcUrl` (eth_sendRawTransaction); searchers
   * subscribe on `wsUrl` to `mevblocker_partialPendingTransactions` and bid with eth_sendBundle (either endpoint).
   */
  mevBlocker: { rpcUrl: string; wsUrl: string };
  /** Where block rewards and bundle payments go. */
  builderCoinbase: Address;
  /** The MEV-Share-style relay: SSE hint stream, and JSON-RPC (mev_sendBundle, mev_simBundle, Flashbots auth). */
  mevShare?: { streamUrl: string; apiUrl: string };
  contracts: typeof mainnet;
  /** CREATE2 init code hash of each DEX's pairs on this devnet. */
  initCodeHashes: { uniswapV2: string; sushiswap: string; uniswapV3: string };
  tokens: Array<Pick<DevnetToken, 'symbol' | 'name' | 'address' | 'decimals' | 'kind'>>;
  pools: Array<{
    index: number;
    dex: DevnetPool['dex'];
    address: Address;
    pair: [string, string];
    token0: Address;
    token1: Address;
    fee?: number;
    tickSpacing?: number;
  }>;
  /**
   * Uniswap V4: the contracts at their mainnet addresses, the scenario's V4 pools (by pool id and key) and the
   * liquidity router that seeded them (absent when the scenario has no V4 pools).
   */
  v4: { contracts: typeof mainnetV4; pools: DevnetV4Pool[]; liquidityRouter?: Address };
  /** Only for a generated scale market: its size and seed, its cache entry, and whether this start loaded it. */
  scale?: { pools: number; seed: number; cacheKey: string; cached: boolean; buildMs: number; loadMs: number; statePath: string };
  /** The searcher's executor contract: owned by the deployer account, operated by the searcher account. */
  executor: { address: Address; owner: Address; operator: Address; inventoryWei: string };
  /** The rival searchers the devnet runs (src/devnet/rivals/): each one's operator, Flashbots identity and executor. */
  rivals?: RivalInfo[];
  accounts: {
    /** anvil's public test mnemonic derives every account here (index = derivation index). */
    mnemonic: 'anvil default test mnemonic';
    deployer: { address: Address; index: number };
    searcher: { address: Address; index: number };
    traders: Array<{ address: Address; index: number }>;
    /** More executor operators, each its own nonce chain (the bot's blind MEV-Share backruns go out from them). */
    operators: Array<{ address: Address; index: number }>;
  };
};

export function buildManifest(input: Omit<DevnetManifest, 'contracts' | 'initCodeHashes' | 'v4'> & { v4?: Omit<DevnetManifest['v4'], 'contracts'> }): DevnetManifest {
  return {
    ...input,
    v4: { contracts: mainnetV4, pools: input.v4?.pools ?? [], ...(input.v4?.liquidityRouter ? { liquidityRouter: input.v4.liquidityRouter } : {}) },
    contracts: mainnet,
    initCodeHashes: {
      uniswapV2: initCodeHashes.uniswapV2Pair,
      sushiswap: initCodeHashes.uniswapV2Pair,
      uniswapV3: initCodeHashes.uniswapV3Pool,
    },
  };
}

/** Writes the manifest atomically (a reader never sees half a file). */
export function writeManifest(file: string, manifest: DevnetManifest): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, file);
}
