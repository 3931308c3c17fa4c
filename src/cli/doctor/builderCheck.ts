import { randomUUID } from 'node:crypto';
import type { LocalAccount } from 'viem/accounts';
import { JsonRpcBuilderClient } from '../../bundle/builderClient.ts';
import { BuilderError } from '../../bundle/types.ts';
import type { ResolvedBuilder } from '../../config/runConfig.ts';
import { redactUrl } from '../../redact.ts';
import { fail, pass, reason, type Check } from './check.ts';

/** An rpc error that is about who we are, not about what we asked. */
const authRefusal = /signature|auth|unauthori[sz]ed|forbidden|not allowed/i;

/**
 * A builder reachable and taking our signature, by a call that cannot cost anything: `eth_cancelBundle` of a
 * replacement uuid never used (nothing to cancel), signed with X-Flashbots-Signature exactly as the bot signs
 * its bundles (the same client). The local devnet builder and the Flashbots-dialect builders verify the
 * signature before anything else; a refusal of it is HTTP 401/403 or an rpc error naming it.
 */
export async function checkBuilder(builder: ResolvedBuilder, authSigner: LocalAccount, timeoutMs = Math.max(builder.timeoutMs, 5_000)): Promise<Check> {
  const name = `builder:${builder.name}`;
  const url = redactUrl(builder.url);
  let client: JsonRpcBuilderClient;
  try {
    client = new JsonRpcBuilderClient({ name: builder.name, url: builder.url, authSigner, warmConnections: 0 });
  } catch (error) {
    return fail(name, `${url} is not an http(s) URL: ${reason(error)}`, `fix the url of builder "${builder.name}" in builders[]`);
  }
  const started = performance.now();
  try {
    await client.cancelBundle(randomUUID(), AbortSignal.timeout(timeoutMs));
    return pass(name, `${url} accepts our signed requests (eth_cancelBundle answered in ${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    if (!(error instanceof BuilderError)) return fail(name, `${url}: ${reason(error)}`, `check the url of builder "${builder.name}"`);
    const signatureFix = `the builder refuses our X-Flashbots-Signature: make sure nothing between the bot and ${url} rewrites request bodies (a proxy or gateway), that the url is the builder's bundle endpoint, and that ${'SEARCHER_FLASHBOTS_AUTH_KEY'} (if set) is a valid key`;
    switch (error.kind) {
      case 'timeout':
      case 'network':
        return fail(name, `${url} unreachable: ${error.message.replace(/^[^:]*: /, '')}`, `check the url of builder "${builder.name}" and that this machine can reach it (DNS, firewall, HTTPS proxy)`);
      case 'http':
        if (error.status === 401 || error.status === 403) return fail(name, `${url} refused our signature: ${error.message.replace(/^[^:]*: /, '')}`, signatureFix);
        return fail(name, `${url}: ${error.message.replace(/^[^:]*: /, '')}`, `check the url of builder "${builder.name}" (its JSON-RPC bundle endpoint)`);
      case 'rate-limited':
        return fail(name, `${url} rate-limited the check (HTTP 429)`, 'try again in a minute; if it persists, the builder throttles this IP or identity');
      case 'malformed':
        return fail(name, `${url} did not answer JSON-RPC: ${error.message.replace(/^[^:]*: /, '')}`, `check the url of builder "${builder.name}" (its JSON-RPC bundle endpoint, not its website)`);
      case 'rpc':
        if (error.rpcCode === -32001 || authRefusal.test(error.message)) return fail(name, `${url} refused our signature: ${error.message.replace(/^[^:]*: /, '')}`, signatureFix);
        // "Method not found" is what any JSON-RPC server says (an Ethereum node's URL pasted here): it proves neither a
        // bundle endpoint nor that our signature is accepted, and a halt could cancel nothing there. Fail closed.
        if (error.rpcCode === -32601) {
          return fail(name, `${url} does not know eth_cancelBundle (${error.message.replace(/^[^:]*: /, '')}): not a builder's bundle endpoint`, `point builder "${builder.name}" at the builder's bundle endpoint (eth_sendBundle, eth_cancelBundle), not a node's RPC URL`);
        }
        // It parsed our signed request and answered about the uuid or the method: reachable, and we are not refused.
        return pass(name, `${url} answers our signed requests (eth_cancelBundle: ${error.message.replace(/^[^:]*: /, '')}; a halt may not be able to cancel bundles there)`);
    }
  } finally {
    client.close();
  }
}
