/**
 * Debian's Chromium, headless, driven by playwright-core: Playwright cannot
 * download its own browsers here, and .ci/run installs the `chromium` package.
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in a container: no user namespaces for the sandbox; and nothing that would phone home
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
