import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless. The flags keep it from reaching for Google's services, which this machine's
 * closed network refuses (and which slow every start); --no-sandbox because CI runs as root.
 */
export async function launchChromium(options: { loopbackHosts?: readonly string[] } = {}): Promise<Browser> {
  // Test host names (app.example.test …) resolve to this machine, as DNS would send them to the proxy.
  const rules = (options.loopbackHosts ?? []).map((host) => `MAP ${host} 127.0.0.1`).join(',');
  return chromium.launch({
    executablePath: process.env.PALISADE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
}
