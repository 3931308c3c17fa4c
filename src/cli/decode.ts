import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeTransaction, mainnetRouters } from '../mempool/decode.ts';
import { parseTxLine, swapToJson, TxLineError } from '../mempool/json.ts';
import { openInputFile, parseFlags } from './args.ts';
import { reportError } from './report.ts';

export const decodeUsage = `Usage: searcher decode [--jsonl FILE]

Reads one transaction per line ({"hash", "from", "to", "value", "input"}; stdin when no file) and prints
one line per input: {"hash", "swaps": [...]} with each swap's protocol, router, kind (exactIn/exactOut),
tokenIn, tokenOut, path, fees, amountIn, amountOut, recipient and deadline (amounts as decimal strings).
A UniversalRouter V4_SWAP gives one swap per swap action with protocol "v4", path in travel order (native
ETH as 0x0000000000000000000000000000000000000000), fees, tickSpacings and hooks per hop, and "pools": each
hop's pool key (currency0, currency1, fee, tickSpacing, hooks), poolId, zeroForOne and hookData; "openAmount":
"in" or "out" when the plan leaves that amount to earlier steps (amountIn is then a lower bound, amountOut an
upper bound).
Non-swaps give "swaps": []. A line that cannot be parsed or decoded gives {"hash", "error"} and the
stream goes on. Routers: Uniswap V2 Router02, SushiSwap, SwapRouter, SwapRouter02 and UniversalRouter
(1.x, 2.0/2.1.0 and 2.1.1) at their mainnet addresses.
`;

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { jsonl: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (flags.help) {
      process.stdout.write(decodeUsage);
      return 0;
    }
    const input = flags.jsonl ? createReadStream('', { fd: openInputFile(flags.jsonl, 'jsonl') }) : process.stdin;
    const lines = createInterface({ input, crlfDelay: Infinity });
    const config = { routers: mainnetRouters };
    let out = '';
    for await (const line of lines) {
      if (!line.trim()) continue;
      let record: Record<string, unknown>;
      try {
        const tx = parseTxLine(line);
        const result = decodeTransaction(tx, config);
        record = 'error' in result ? { hash: tx.hash, error: result.error } : { hash: tx.hash, swaps: result.swaps.map(swapToJson) };
      } catch (error) {
        let hash: unknown = null;
        try {
          hash = JSON.parse(line)?.hash ?? null;
        } catch {}
        record = { hash, error: error instanceof TxLineError ? error.message : String(error) };
      }
      out += `${JSON.stringify(record)}\n`;
      if (out.length > 1 << 16) {
        if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        out = '';
      }
    }
    process.stdout.write(out);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
