import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';

/** What ethers 6's FetchRequest hands its getUrl function (the fields we read). */
type EthersRequest = { url: string; method: string; headers: Record<string, string>; body: Uint8Array | null; timeout: number; credentials: string | null; allowInsecureAuthentication: boolean };
type EthersCancelSignal = { checkSignal(): void };
export type EthersGetUrlResponse = { statusCode: number; statusMessage: string; headers: Record<string, string>; body: Uint8Array | null };

/** The answer was longer than the cap: the connection was closed without reading the rest. */
export class EthersResponseTooLarge extends Error {}

/**
 * ethers 6.7.1's own getUrl reads a body without limit and re-copies all of it on every chunk (quadratic):
 * a builder answering 100 MB keeps the CPU busy for a minute, and the read goes on after we gave up. This one
 * is the same request over node:http(s), but it keeps the chunks in a list and stops at `maxBytes` (declared
 * by content-length, received, or after gunzip), closing the connection. For FetchRequest.registerGetUrl.
 */
export function cappedGetUrl(maxBytes: number): (request: EthersRequest, signal?: EthersCancelSignal) => Promise<EthersGetUrlResponse> {
  return (request, signal) => {
    const protocol = request.url.split(':')[0]!.toLowerCase();
    if (protocol !== 'http' && protocol !== 'https') return Promise.reject(new Error(`unsupported protocol ${protocol}`));
    if (protocol === 'http' && request.credentials && !request.allowInsecureAuthentication) return Promise.reject(new Error('insecure authorized connections unsupported'));
    const outgoing = (protocol === 'http' ? http : https).request(request.url, { method: request.method, headers: { ...request.headers } });
    outgoing.setTimeout(request.timeout);
    if (request.body) outgoing.write(Buffer.from(request.body));
    outgoing.end();
    return new Promise((resolve, reject) => {
      const tooLarge = (detail: string) => {
        outgoing.destroy();
        reject(new EthersResponseTooLarge(`the answer exceeds the cap of ${maxBytes} bytes${detail}`));
      };
      outgoing.once('response', (response) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
        if (headers['content-length'] !== undefined && Number(headers['content-length']) > maxBytes) return tooLarge(` (content-length ${headers['content-length'].slice(0, 20)})`);
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          try {
            signal?.checkSignal();
          } catch (error) {
            outgoing.destroy();
            return reject(error);
          }
          total += chunk.length;
          if (total > maxBytes) return tooLarge('');
          chunks.push(chunk);
        });
        response.on('end', () => {
          let body: Uint8Array | null = total === 0 ? null : Buffer.concat(chunks, total);
          if (body && headers['content-encoding'] === 'gzip') {
            try {
              body = gunzipSync(body, { maxOutputLength: maxBytes });
            } catch (error) {
              if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(' (after gunzip)');
              return reject(error);
            }
          }
          resolve({ statusCode: response.statusCode ?? 0, statusMessage: response.statusMessage ?? '', headers, body });
        });
        response.on('error', reject);
      });
      outgoing.on('error', reject);
    });
  };
}
