import { createRequire } from 'node:module';
import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import type { Provider, Signer, TypedDataDomain, TypedDataField } from 'ethers';
import type { Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { bundleRequestFields, defaultMaxResponseBytes, unwithdrawable } from './builderClient.ts';
import { acceptedFields, type BundleField } from './builders.ts';
import { cappedGetUrl, EthersResponseTooLarge } from './ethersGetUrl.ts';
import { BuilderError, clip, networkErrorCode, type BuilderClient, type BuilderErrorKind, type BundleRequest } from './types.ts';

// The library is CommonJS and require()s ethers; an ESM import would load ethers' other build, a second copy
// whose classes the library's do not recognise. Take the very copy the library uses.
const { AbstractProvider, AbstractSigner, FetchRequest, Network } = createRequire(import.meta.url)('ethers') as typeof import('ethers');
type LibraryProvider = Parameters<typeof FlashbotsBundleProvider.create>[0];

// ethers' own getUrl reads any body whole, re-copying it on every chunk; this (CommonJS) copy of ethers serves
// only the library, so every answer the library reads is capped like ours.
FetchRequest.registerGetUrl(cappedGetUrl(defaultMaxResponseBytes) as Parameters<typeof FetchRequest.registerGetUrl>[0]);

/**
 * An ethers signer over a viem account, for the Flashbots library's auth header: the key stays inside the viem
 * account and never becomes an ethers Wallet. It signs messages only; bundles arrive already signed.
 */
export class ViemAuthSigner extends AbstractSigner {
  readonly #account: LocalAccount;

  constructor(account: LocalAccount, provider: Provider | null = null) {
    super(provider);
    this.#account = account;
  }

  async getAddress(): Promise<string> {
    return this.#account.address;
  }

  connect(provider: Provider | null): ViemAuthSigner {
    return new ViemAuthSigner(this.#account, provider);
  }

  /** ethers semantics: a string is signed as UTF-8 text (EIP-191), bytes as bytes. */
  async signMessage(message: string | Uint8Array): Promise<string> {
    return this.#account.signMessage({ message: typeof message === 'string' ? message : { raw: message } });
  }

  async signTransaction(): Promise<string> {
    throw new Error('the Flashbots auth signer signs messages only');
  }

  async signTypedData(_domain: TypedDataDomain, _types: Record<string, TypedDataField[]>, _value: Record<string, unknown>): Promise<string> {
    throw new Error('the Flashbots auth signer signs messages only');
  }
}

export type FlashbotsLibraryClientParameters = {
  name: string;
  url: string;
  authSigner: LocalAccount;
  /** ethers' own request deadline. It only bounds the start of each attempt; the AbortSignal is what cuts a call short. */
  timeoutMs?: number;
  /** Spares the library a network lookup; 1 (mainnet) by default. */
  chainId?: number;
  /** The optional eth_sendBundle fields this builder takes (its dialect); others are left out. Absent: all we have. */
  fields?: readonly BundleField[];
};

const bundleHashPattern = /^0x[0-9a-fA-F]{64}$/;
const httpFailure = /^Request failed with status (\d+) \(URL: [^)]*\):\s?([\s\S]*)$/;

/**
 * The same BuilderClient, spoken by the unmodified `@flashbots/ethers-provider-bundle` (ethers 6.7.1): the
 * reference implementation of the signed dialect, kept to cross-check ours and for relays that only test
 * against it. Its results (`{ error }`) and its throws are mapped onto BuilderError kinds.
 *
 * ethers 6.7.1 cannot cancel a request in flight, so an aborted call returns at once but its socket stays
 * open until the builder answers or closes it; the late outcome is ignored.
 */
export class FlashbotsLibraryClient implements BuilderClient {
  readonly name: string;
  private readonly parameters: FlashbotsLibraryClientParameters;
  private provider: Promise<FlashbotsBundleProvider> | undefined;

  constructor(parameters: FlashbotsLibraryClientParameters) {
    this.name = parameters.name;
    this.parameters = parameters;
  }

  async sendBundle(bundle: BundleRequest, signal: AbortSignal): Promise<{ bundleHash: Hex }> {
    const method = 'eth_sendBundle';
    const provider = await this.connect();
    const refused = unwithdrawable(this.name, bundle, this.parameters.fields);
    if (refused) throw refused;
    const all = { minTimestamp: bundle.minTimestamp, maxTimestamp: bundle.maxTimestamp, revertingTxHashes: bundle.revertingTxHashes, replacementUuid: bundle.replacementUuid };
    const opts = acceptedFields(all, this.parameters.fields ?? bundleRequestFields) as Parameters<FlashbotsBundleProvider['sendRawBundle']>[2];
    let response: Awaited<ReturnType<FlashbotsBundleProvider['sendRawBundle']>>;
    try {
      response = await untilAborted(provider.sendRawBundle(bundle.txs, Number(bundle.blockNumber), opts), signal);
    } catch (cause) {
      throw this.classify(method, cause, signal);
    }
    if ('error' in response) throw this.refused(method, response.error);
    const { bundleHash } = response as { bundleHash?: unknown };
    if (typeof bundleHash !== 'string' || !bundleHashPattern.test(bundleHash)) {
      throw this.error(method, 'malformed', `answered without a bundle hash: ${clip(String(bundleHash))}`);
    }
    return { bundleHash: bundleHash as Hex };
  }

  async cancelBundle(replacementUuid: string, signal: AbortSignal): Promise<void> {
    const method = 'eth_cancelBundle';
    const provider = await this.connect();
    let response: Awaited<ReturnType<FlashbotsBundleProvider['cancelBundles']>>;
    try {
      response = await untilAborted(provider.cancelBundles(replacementUuid), signal);
    } catch (cause) {
      throw this.classify(method, cause, signal);
    }
    if ('error' in response) throw this.refused(method, response.error);
  }

  private connect(): Promise<FlashbotsBundleProvider> {
    this.provider ??= (() => {
      const chainId = this.parameters.chainId ?? 1;
      const connection = new FetchRequest(this.parameters.url);
      if (this.parameters.timeoutMs !== undefined) connection.timeout = this.parameters.timeoutMs;
      // The library wants a chain provider for receipts and simulation, which we never call: one that cannot
      // reach anything keeps this client from contacting a node.
      const offline = new AbstractProvider(Network.from(chainId));
      // Casts only bridge the type declarations of ethers' two builds; at run time it is one copy (see above).
      const signer: Signer = new ViemAuthSigner(this.parameters.authSigner);
      return FlashbotsBundleProvider.create(offline as unknown as LibraryProvider, signer as never, connection as never, chainId);
    })();
    return this.provider;
  }

  private error(method: string, kind: BuilderErrorKind, message: string, extra: { status?: number; rpcCode?: number; cause?: unknown } = {}): BuilderError {
    const { cause, ...codes } = extra;
    return new BuilderError({ builder: this.name, kind, message: `${method}: ${message}`, ...codes }, { cause });
  }

  private refused(method: string, error: { message?: unknown; code?: unknown }): BuilderError {
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return this.error(method, 'rpc', `refused: ${clip(message)}`, typeof error.code === 'number' ? { rpcCode: error.code } : {});
  }

  private classify(method: string, cause: unknown, signal: AbortSignal): BuilderError {
    const ethersCode = (cause as { code?: unknown } | null)?.code;
    if (signal.aborted || ethersCode === 'TIMEOUT' || ethersCode === 'CANCELLED') {
      return this.error(method, 'timeout', 'no answer before the deadline', { cause });
    }
    if (cause instanceof EthersResponseTooLarge) return this.error(method, 'malformed', cause.message, { cause });
    const network = networkErrorCode(cause);
    if (network) return this.error(method, 'network', `connection failed (${network})`, { cause });
    const message = cause instanceof Error ? cause.message : String(cause);
    const http = httpFailure.exec(message);
    if (http) {
      const status = Number(http[1]);
      const body = http[2] ? `: ${clip(http[2])}` : '';
      return status === 429
        ? this.error(method, 'rate-limited', 'rate limited (HTTP 429)', { status, cause })
        : this.error(method, 'http', `HTTP ${status}${body}`, { status, cause });
    }
    if (ethersCode === 'UNSUPPORTED_OPERATION' && (cause as { operation?: unknown }).operation === 'bodyJson') {
      return this.error(method, 'malformed', 'the answer is not JSON', { cause });
    }
    // What is left is the library choking on the answer's shape (e.g. reading `result.bundleHash` of nothing).
    return this.error(method, 'malformed', `unusable answer (${clip(message)})`, { cause });
  }
}

/** Settles with the promise, or rejects as soon as the signal aborts; a late outcome is swallowed. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
