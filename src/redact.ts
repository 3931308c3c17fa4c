/**
 * Credentials inside URLs, hidden wherever a URL may be shown: logs (every line goes through the logger's
 * formatter), error messages (CLI, builder and config errors), and the lines the CLI prints. A node or relay
 * URL often carries its secret: `user:pass@host`, an API key as a path segment (Infura `/v3/<key>`, Alchemy
 * `/v2/<key>`, QuickNode `/<token>/`) or a query parameter (`?apikey=`, `key=`, `token=`). What stays is where it
 * points (scheme, host, port, the harmless path), which is what an operator needs to read an error.
 */

const MASK = '***';
/** A URL inside free text: a scheme, `://`, then everything up to whitespace or a quote. */
const urlInText = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()\\]+/gi;
/**
 * A URL's userinfo inside free text, up to the last @ before the host: a password may hold ( ) ' unencoded
 * (RFC 3986), where the URL pattern above stops, so userinfo is hidden first, on its own.
 */
const userinfoInText = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const secretParameter = /key|token|secret|pass|auth|sig|credential|jwt|session/i;

/** A path segment that is a key rather than a place: long, or mixing letters and digits, or after `/vN/`. */
function isSecretSegment(segment: string, previous: string | undefined): boolean {
  if (segment.length === 0) return false;
  if (previous !== undefined && /^v\d+$/i.test(previous) && segment.length >= 8) return true;
  if (segment.length >= 24) return true;
  if (/^[0-9a-f]{16,}$/i.test(segment)) return true; // a hex token, even one that happens to hold no digit
  return segment.length >= 12 && /\d/.test(segment) && /[a-z]/i.test(segment);
}

function redactPath(path: string): string {
  const segments = path.split('/');
  return segments.map((segment, i) => (isSecretSegment(segment, segments[i - 1]) ? MASK : segment)).join('/');
}

function redactQuery(query: string): string {
  if (query.length <= 1) return query;
  return `?${query
    .slice(1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return isSecretSegment(pair, undefined) ? MASK : pair;
      const name = pair.slice(0, equals);
      return secretParameter.test(name) || isSecretSegment(pair.slice(equals + 1), undefined) ? `${name}=${MASK}` : pair;
    })
    .join('&')}`;
}

/** `url` with its userinfo, key-like path segments and credential query values replaced by `***`. */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  // file:// URLs (stack frames) hold no credentials, and their long segments are what a stack is read for.
  if (!match || /^file:/i.test(url)) return url;
  const [, scheme, authority = '', path = '', query = '', fragment = ''] = match;
  // The last @ ends the userinfo (a password may itself contain @ when not percent-encoded).
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? `${MASK}@${authority.slice(at + 1)}` : authority;
  return `${scheme}${host}${redactPath(path)}${redactQuery(query)}${fragment ? '#' + MASK : ''}`;
}

/** `text` with every URL in it redacted (error messages, log fields, stacks). */
export function redactText(text: string): string {
  // Punctuation right after a URL ends the sentence, not the URL ("--db postgres://.../name: a password ..."): left
  // as it is, so a masked last segment does not take it along.
  const redactWithoutTrailing = (url: string) => {
    const trailing = /[.,;:!?]+$/.exec(url)?.[0] ?? '';
    return redactUrl(url.slice(0, url.length - trailing.length)) + trailing;
  };
  return text.includes('://') ? text.replace(userinfoInText, `$1${MASK}@`).replace(urlInText, redactWithoutTrailing) : text;
}
