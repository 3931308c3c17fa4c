/**
 * The environment a child process (anvil for the devnet or the fork simulator) is started with: an allowlist,
 * so the operator key, the keystore password, the Flashbots and kill-switch tokens, and any variable the
 * config names for a key (which need not start with SEARCHER_) never reach it. A child only needs to find its
 * tools, temporary files, locale and, for a fork of a remote node, the proxy settings.
 */
const allowed = /^(PATH|HOME|USER|LOGNAME|SHELL|TERM|TZ|LANG|LANGUAGE|LC_[A-Z]+|TMPDIR|TMP|TEMP|NO_COLOR|RUST_LOG|RUST_BACKTRACE|SSL_CERT_FILE|SSL_CERT_DIR|(HTTP|HTTPS|ALL|NO)_PROXY|(http|https|all|no)_proxy)$/;

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && allowed.test(name)) clean[name] = value;
  return clean;
}
