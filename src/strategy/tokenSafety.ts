import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeFunctionData, decodeFunctionResult, getAddress, type Address, type PublicClient } from 'viem';
import { tokenProbeAbi, tokenProbeDeployedBytecode } from '../abi/tokenProbe.generated.ts';
import type { Logger } from '../log.ts';
import type { V2Pair } from '../state/types.ts';

export type TokenVerdict = { token: Address; safe: boolean; reason: string; block: string };

/** Where the probe's code is put for the call (never deployed) and who calls it. */
const PROBE = getAddress('0x00000000000000000000000000000000700be000');
const CALLER = getAddress('0x00000000000000000000000000000000700be001');
const PROBE_WEI = 10n ** 16n;

/**
 * Token safety before a token is first traded: a buy, a transfer and a sale through the token's WETH pair,
 * run by the TokenProbe contract in one `eth_call` with a code override (nothing is deployed, nothing is
 * spent). A token that delivers less than the pair promised, credits less than it sent, or refuses a
 * transfer or the sale is unsafe. Verdicts are cached and persisted to a JSON file; unsafe tokens' pools are
 * never traded.
 */
export class TokenSafety {
  private readonly verdicts = new Map<string, TokenVerdict>();

  constructor(
    private readonly client: PublicClient,
    private readonly weth: Address,
    private readonly logger: Logger,
    private readonly file?: string,
  ) {
    if (file && existsSync(file)) {
      for (const verdict of JSON.parse(readFileSync(file, 'utf8')) as TokenVerdict[]) this.verdicts.set(verdict.token.toLowerCase(), verdict);
    }
  }

  verdict(token: string): TokenVerdict | undefined {
    return this.verdicts.get(token.toLowerCase());
  }

  isUnsafe(token: string): boolean {
    return this.verdicts.get(token.toLowerCase())?.safe === false;
  }

  /** Probes `token` through its WETH pair (unless a verdict exists) and records the verdict. */
  async check(token: Address, pair: V2Pair | undefined, blockNumber: bigint): Promise<TokenVerdict> {
    const known = this.verdict(token);
    if (known) return known;
    if (token.toLowerCase() === this.weth.toLowerCase()) return this.record({ token, safe: true, reason: 'WETH', block: String(blockNumber) });
    if (!pair) return this.record({ token, safe: false, reason: 'no WETH pair to test a round trip through', block: String(blockNumber) });
    let result: { bought: boolean; promisedOut: bigint; received: bigint; moved: boolean; movedReceived: bigint; sold: boolean; pairReceived: bigint };
    try {
      const { data } = await this.client.call({
        account: CALLER,
        to: PROBE,
        value: PROBE_WEI,
        blockNumber,
        data: encodeFunctionData({ abi: tokenProbeAbi, functionName: 'probe', args: [this.weth, pair.address, token, pair.feeBps] }),
        stateOverride: [
          { address: PROBE, code: tokenProbeDeployedBytecode },
          { address: CALLER, balance: PROBE_WEI * 10n },
        ],
      });
      result = decodeFunctionResult({ abi: tokenProbeAbi, functionName: 'probe', data: data! }) as typeof result;
    } catch (error) {
      return this.record({ token, safe: false, reason: `the round trip failed: ${(error as Error).message.split('\n')[0]}`, block: String(blockNumber) });
    }
    const half = result.received / 2n;
    const reason = !result.bought
      ? 'cannot be bought'
      : result.received !== result.promisedOut
        ? `delivers ${result.received} where the pair promised ${result.promisedOut} (fee on transfer or false balances)`
        : !result.moved
          ? 'refuses a transfer between holders'
          : result.movedReceived !== half
            ? `a transfer of ${half} credits ${result.movedReceived}`
            : !result.sold
              ? 'cannot be sold back (honeypot)'
              : result.pairReceived !== result.received - half
                ? 'the sale delivers less to the pair than was sent'
                : 'bought, moved and sold back exactly';
    return this.record({ token, safe: reason === 'bought, moved and sold back exactly', reason, block: String(blockNumber) });
  }

  private record(verdict: TokenVerdict): TokenVerdict {
    this.verdicts.set(verdict.token.toLowerCase(), verdict);
    if (!verdict.safe) this.logger.warn({ token: verdict.token, reason: verdict.reason }, 'token safety: unsafe, its pools are excluded');
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify([...this.verdicts.values()], null, 2)}\n`);
      renameSync(temporary, this.file);
    }
    return verdict;
  }
}
