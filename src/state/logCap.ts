/**
 * Reading a provider's answer to an `eth_getLogs` that asked for too much. Providers cap a query by the number
 * of logs it returns (Infura: -32005 "query returned more than 10000 results"; Alchemy: "Log response size
 * exceeded ... this block range should work: [0x.., 0x..]"; QuickNode, Ankr, geth's `--rpc.logquerylimit`) or
 * by the width of its block range ("block range too large", "exceed maximum block range: 10000"). Either way
 * the remedy is a narrower range; a provider that names one is believed. Pure: the shell splits on this.
 */

export type LogCap = {
  /** A range the provider said would work (Alchemy names one), inclusive. */
  suggested?: { from: bigint; to: bigint };
};

const capMessages = [
  /query returned more than \d+ results/i,
  /log response size exceeded/i,
  /response size (is )?(exceeded|too large)/i,
  /too many (results|logs)/i,
  /(block )?range (is )?too (large|wide|big)/i,
  /exceeds? (the )?(max(imum)?|allowed) (block )?range/i,
  /max(imum)? (block )?range/i,
  /limit(ed)? to \d+ (blocks|logs|results)/i,
  /more than \d+ (logs|results)/i,
  /logs? limit exceeded/i,
  // Our own HTTP client's cap on an answer's size (viem: 10 MB): a narrower range is a smaller answer.
  /response body exceeded the size limit/i,
];

const rateLimited = /rate.?limit|request count|too many requests|requests per second|credits/i;

/** What a JSON-RPC error says, through viem's wrappers: every `code`, `message`, `details` down the cause chain. */
function facts(error: unknown): { codes: number[]; text: string } {
  const codes: number[] = [];
  const parts: string[] = [];
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    const { code, message, details, shortMessage } = at as { code?: unknown; message?: unknown; details?: unknown; shortMessage?: unknown };
    if (typeof code === 'number') codes.push(code);
    for (const text of [message, details, shortMessage]) if (typeof text === 'string') parts.push(text);
  }
  return { codes, text: parts.join('\n') };
}

/** The cap a provider's error announces, or undefined when the error is something else (a node down, a timeout). */
export function logCapOf(error: unknown): LogCap | undefined {
  const { codes, text } = facts(error);
  // Infura answers a rate limit with -32005 too: a narrower range would not help, so it is not a cap.
  if (rateLimited.test(text)) return undefined;
  if (!codes.includes(-32005) && !capMessages.some((pattern) => pattern.test(text))) return undefined;
  const named = /range should work: \[(0x[0-9a-f]+),\s*(0x[0-9a-f]+)\]/i.exec(text);
  return named ? { suggested: { from: BigInt(named[1]!), to: BigInt(named[2]!) } } : {};
}
