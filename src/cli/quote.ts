import { createPublicClient, getAddress, http, isAddress, isHex, type Address, type Hex } from 'viem';
import { mainnetV4 } from '../chain/addresses.ts';
import { QuoteError, quoteExactInput } from '../state/quote.ts';
import { loadPools } from '../state/detect.ts';
import type { Pool } from '../state/types.ts';
import { findV4Keys, readV4Pools } from '../state/v4Pools.ts';
import { httpUrlFlag, integerFlag, parseFlags, readInputFile, UsageError } from './args.ts';
import { reportError } from './report.ts';

export const quoteUsage = `Usage: searcher quote --rpc URL --pool ADDR|POOL_ID --token-in ADDR --amount-in WEI [--block N] [--json]
       searcher quote --rpc URL --batch FILE.jsonl [--block N]

Loads the pool's state from the node (V2 pair or V3 pool by address, detected; a Uniswap V4 pool by its 32-byte
pool id, its key found from the PoolManager's Initialize event) and answers an exact-input swap from searcher's
own math, not from an on-chain quoter. Native ETH in a V4 pool is token 0x0000000000000000000000000000000000000000.
A V4 pool whose hook acts around swaps is simulate-only: refused with an error, never quoted by our math alone. The batch form reads one {"pool", "tokenIn", "amountIn"}
per line and prints one {"pool", "tokenIn", "amountIn", "amountOut"} per line (decimal strings); a line that
cannot be quoted prints {"...", "error"} and the rest go on.

Options:
  --rpc URL          JSON-RPC endpoint
  --block N          block to quote at (default: latest)
  --v2-fee-bps N     fee of V2-style pairs (default 30)
  --pool-manager ADDR  the Uniswap V4 PoolManager holding pools named by id (default: mainnet's)
  --json             one JSON object instead of text
`;

/** `pool`: an address (V2/V3), or a V4 pool id (32 bytes, lowercase). */
type Request = { pool: Address | Hex; tokenIn: Address; amountIn: bigint };

const isPoolId = (value: string): boolean => isHex(value, { strict: true }) && value.length === 66;

function parseRequest(pool: unknown, tokenIn: unknown, amountIn: unknown, where: string): Request {
  if (typeof pool !== 'string' || !(isAddress(pool) || isPoolId(pool))) throw new UsageError(`${where}: pool must be an address or a V4 pool id (0x and 64 hex digits)`);
  if (typeof tokenIn !== 'string' || !isAddress(tokenIn)) throw new UsageError(`${where}: tokenIn must be an address`);
  if (typeof amountIn !== 'string' || !/^\d+$/.test(amountIn) || BigInt(amountIn) === 0n) {
    throw new UsageError(`${where}: amountIn must be a positive integer in wei, as a decimal string`);
  }
  return { pool: isPoolId(pool) ? (pool.toLowerCase() as Hex) : (pool as Address), tokenIn, amountIn: BigInt(amountIn) };
}

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      rpc: { type: 'string' },
      pool: { type: 'string' },
      'token-in': { type: 'string' },
      'amount-in': { type: 'string' },
      batch: { type: 'string' },
      block: { type: 'string' },
      'v2-fee-bps': { type: 'string' },
      'pool-manager': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(quoteUsage);
      return 0;
    }
    if (!flags.rpc) throw new UsageError('--rpc URL is required');
    const rpc = httpUrlFlag(flags.rpc, 'rpc');
    const requests: Array<Request | { error: string; line: string }> = [];
    if (flags.batch) {
      const lines = readInputFile(flags.batch, 'batch').split('\n').filter((line) => line.trim());
      lines.forEach((line, index) => {
        try {
          const item = JSON.parse(line);
          requests.push(parseRequest(item.pool, item.tokenIn, item.amountIn, `${flags.batch}:${index + 1}`));
        } catch (error) {
          requests.push({ error: error instanceof UsageError ? error.message : `${flags.batch}:${index + 1}: not JSON`, line });
        }
      });
    } else {
      requests.push(parseRequest(flags.pool, flags['token-in'], flags['amount-in'], 'arguments'));
    }
    const v2FeeBps = BigInt(integerFlag(flags['v2-fee-bps'], 'v2-fee-bps', 30, 0, 9999));
    const client = createPublicClient({ transport: http(rpc, { batch: true, retryCount: 1 }) });
    const blockNumber = flags.block ? BigInt(integerFlag(flags.block, 'block', 0)) : await client.getBlockNumber();
    const valid = requests.filter((r): r is Request => 'pool' in r);
    const poolManager = flags['pool-manager'] === undefined ? mainnetV4.poolManager : isAddress(flags['pool-manager']) ? getAddress(flags['pool-manager']) : undefined;
    if (!poolManager) throw new UsageError('--pool-manager must be an address');
    const ids = [...new Set(valid.map((r) => r.pool).filter(isPoolId))] as Hex[];
    const { pools: byAddress } = await loadPools(client as never, valid.map((r) => r.pool).filter((pool) => !isPoolId(pool)), blockNumber, v2FeeBps);
    const pools = new Map<string, Pool>([...byAddress].map(([address, pool]) => [address.toLowerCase(), pool]));
    if (ids.length > 0) {
      const keys = await findV4Keys(client as never, poolManager, ids, blockNumber);
      for (const pool of (await readV4Pools(client as never, [...keys.values()], blockNumber)).pools) pools.set(pool.address, pool);
    }

    let failures = 0;
    for (const request of requests) {
      if (!('pool' in request)) {
        failures++;
        process.stdout.write(`${JSON.stringify({ error: request.error })}\n`);
        continue;
      }
      const base = { pool: request.pool, tokenIn: request.tokenIn, amountIn: request.amountIn.toString() };
      try {
        const pool = pools.get(request.pool.toLowerCase());
        if (!pool) throw new QuoteError(isPoolId(request.pool) ? `${request.pool} is no V4 pool initialized in PoolManager ${poolManager}` : `${request.pool} is neither a V2 pair nor a V3 pool`);
        const amountOut = quoteExactInput(pool, request.tokenIn, request.amountIn).toString();
        if (flags.batch || flags.json) {
          process.stdout.write(`${JSON.stringify({ ...base, amountOut, ...(flags.json && !flags.batch ? { block: blockNumber.toString(), kind: pool.kind } : {}) })}\n`);
        } else {
          process.stdout.write(`${amountOut}\n`);
          process.stderr.write(`(${pool.kind} pool ${pool.address}, block ${blockNumber})\n`);
        }
      } catch (error) {
        failures++;
        if (flags.batch || flags.json) process.stdout.write(`${JSON.stringify({ ...base, error: (error as Error).message })}\n`);
        else throw error;
      }
    }
    return failures > 0 && !flags.batch ? 1 : 0;
  } catch (error) {
    return reportError(error);
  }
}
