import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type Logger } from '../log.ts';
import type { RiskGateShell } from './persistence.ts';

export type KillSwitchHandlerParameters = {
  /** The gate's shell: it halts in memory and says whether the latch reached the store. */
  gate: Pick<RiskGateShell, 'halt' | 'resume' | 'halted'>;
  /** The bearer token itself; when absent it is read once from `env[tokenEnv]`. */
  token?: string;
  /** Default SEARCHER_RISK_TOKEN (the risk config's killSwitch.tokenEnv). */
  tokenEnv?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Route prefix (default "/api"): POST {prefix}/halt and {prefix}/resume. */
  prefix?: string;
};

/** Mountable in any node:http server: resolves true when it answered the request, false to let others try. */
export type KillSwitchHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Tokens shorter than this are refused at start: a guessable kill switch is an open door for a resume. */
export const minTokenLength = 16;
const maxBodyBytes = 4096;
const maxReasonLength = 500;

const digest = (value: string) => createHash('sha256').update(value).digest();

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The kill switch over HTTP: `POST /api/halt` (JSON body `{"reason": "..."}`, optional) latches a halt,
 * `POST /api/resume` clears it; both need `Authorization: Bearer <token>`. The token is compared in constant
 * time (digests of equal length) and never logged or echoed. Without a usable token the routes answer 503:
 * the switch is off rather than open. A halt whose latch could not be written answers 500 (the bot is halted in
 * memory, but the halt would not survive a restart); a resume whose latch could not be cleared answers 500 and
 * changes nothing. 200 means the store holds what was asked.
 */
export function createKillSwitchHandler(parameters: KillSwitchHandlerParameters): KillSwitchHandler {
  const { gate } = parameters;
  const log = parameters.logger ?? createLogger('risk');
  const tokenEnv = parameters.tokenEnv ?? 'SEARCHER_RISK_TOKEN';
  const prefix = (parameters.prefix ?? '/api').replace(/\/$/, '');
  const token = parameters.token ?? (parameters.env ?? process.env)[tokenEnv];
  const expected = token !== undefined && token.length >= minTokenLength ? digest(token) : undefined;
  if (!expected) log.warn({ tokenEnv }, `risk: HTTP kill switch disabled: set ${tokenEnv} to a token of at least ${minTokenLength} characters`);

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
    // Compare digests, not the strings: equal lengths whatever was sent, so timing says nothing about the token.
    return match !== null && expected !== undefined && timingSafeEqual(digest(match[1]!), expected);
  };

  return async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const action = path === `${prefix}/halt` ? 'halt' : path === `${prefix}/resume` ? 'resume' : undefined;
    if (!action) return false;
    const remote = req.socket.remoteAddress ?? 'unknown';
    if (req.method !== 'POST' || !expected || !authorized(req) || action === 'resume') req.resume(); // the body is not read: drain it
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'use POST' }, { allow: 'POST' });
      return true;
    }
    if (!expected) {
      reply(res, 503, { error: `the HTTP kill switch is disabled: set ${tokenEnv}` });
      return true;
    }
    if (!authorized(req)) {
      log.warn({ remote, action }, 'risk: kill switch request refused (missing or wrong token)');
      reply(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
      return true;
    }
    const by = `http:${remote}`;
    if (action === 'resume') {
      const result = gate.resume(by);
      log.warn({ by, resumed: result.resumed }, 'risk: resume over HTTP');
      if (result.halted) reply(res, 500, { halted: true, resumed: false, error: `still halted: the halt latch could not be cleared in the store: ${result.error}` });
      else reply(res, 200, { halted: false, resumed: result.resumed });
      return true;
    }
    const body = await readBody(req);
    if (body === undefined) {
      reply(res, 413, { error: `body above ${maxBodyBytes} bytes` });
      return true;
    }
    let reason = 'halted over HTTP';
    if (body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        reply(res, 400, { error: 'body must be JSON: {"reason": "..."}' });
        return true;
      }
      const given = (parsed as { reason?: unknown } | null)?.reason;
      if (given !== undefined && (typeof given !== 'string' || given.trim() === '' || given.length > maxReasonLength)) {
        reply(res, 400, { error: `reason must be a non-empty string of at most ${maxReasonLength} characters` });
        return true;
      }
      if (typeof given === 'string') reason = given.trim();
    }
    const result = gate.halt(reason, by);
    log.warn({ by, reason, newlyHalted: result.newly, persisted: result.persisted }, 'risk: halt over HTTP');
    const { latch } = result;
    const answer = { halted: true, reason: latch.reason, by: latch.by, since: latch.at, persisted: result.persisted };
    if (result.persisted) reply(res, 200, answer);
    else reply(res, 500, { ...answer, error: `halted in this process, but the halt latch could not be written to the store (${result.error}): it would not survive a restart; the bot retries on every poll` });
    return true;
  };
}
