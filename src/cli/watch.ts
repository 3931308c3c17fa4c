import { WsConnection } from '../chain/wsConnection.ts';
import { createLogger } from '../log.ts';
import { mainnetRouters } from '../mempool/decode.ts';
import { swapToJson } from '../mempool/json.ts';
import { MempoolWatcher, type PendingSwaps } from '../mempool/watcher.ts';
import { parseFlags, wsUrlFlag } from './args.ts';
import { reportError } from './report.ts';
import { redactUrl } from '../redact.ts';

export const watchUsage = `Usage: searcher watch --ws URL [--json]

Follows the node's pending transactions over a websocket and prints every router swap, decoded, one line
each, with its first-seen -> decoded latency. Reconnects by itself; prints "blind" / "watching" on stderr
when the stream drops and comes back. Ctrl-C stops.

Options:
  --ws URL    websocket endpoint of a node that streams pending transactions
  --json      one JSON object per line: {"hash", "from", "latencyUs", "swaps": [...]}
`;

function line(event: PendingSwaps, json: boolean): string {
  const latencyUs = Math.round((event.decodedMs - event.firstSeenMs) * 1000);
  if (json) return JSON.stringify({ hash: event.tx.hash, from: event.tx.from, latencyUs, swaps: event.swaps.map(swapToJson) });
  return event.swaps
    .map((swap) => `${event.tx.hash} ${swap.protocol} ${swap.kind} ${swap.tokenIn} -> ${swap.tokenOut} in ${swap.amountIn} out ${swap.amountOut} (${latencyUs} us)`)
    .join('\n');
}

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { ws: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (flags.help) {
      process.stdout.write(watchUsage);
      return 0;
    }
    const url = wsUrlFlag(flags.ws, 'ws');
    const logger = createLogger('mempool');
    const connection = new WsConnection({ url, logger });
    const watcher = new MempoolWatcher({ connection, decoder: { routers: mainnetRouters }, logger });
    watcher.on('swaps', (event: PendingSwaps) => process.stdout.write(`${line(event, !!flags.json)}\n`));
    watcher.on('blind', (blind: boolean) => process.stderr.write(blind ? 'blind: the stream is down, reconnecting\n' : 'watching\n'));
    process.stderr.write(`connecting to ${redactUrl(url)}\n`);
    const stopped = new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await Promise.race([watcher.start().then(() => process.stderr.write('watching\n')), stopped]);
    await stopped;
    watcher.stop();
    connection.close();
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
