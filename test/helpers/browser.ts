import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';

/** Flags for a headless Chromium that talks to nothing but the page under test (no updates, sync, QUIC). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Ten minutes: the first run on a fresh machine installs Chromium through apt. */
export const browserSetupTimeoutMs = 10 * 60_000;

/**
 * A headless Chromium (installed first if the machine lacks it). `chromium.launch` gives every launch a
 * fresh temporary user data dir, removed on close, so no profile state leaks between runs.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs, timeout: 60_000 });
}

/** Collects what would otherwise go unnoticed in a page: uncaught errors, console errors, failed requests. */
export function watchPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('requestfailed', (request) => {
    // An EventSource torn down by navigation or close (e.g. switching the instance shown) is not a failure of the page.
    if (new URL(request.url()).pathname !== '/events') problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return problems;
}
