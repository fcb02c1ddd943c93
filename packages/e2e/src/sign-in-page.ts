import type { Page } from 'playwright-core';

/** Signs in on the core's real sign-in page, where the outpost sent the browser. */
export async function signInAtCore(page: Page, username: string, password: string): Promise<void> {
  await page.waitForURL(/\/if\/flow\/default-authentication-flow\//);
  await page.fill('#uid_field', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

/** The request headers the protected echo backend received, as the page the browser shows lists them. */
export async function echoedHeaders(page: Page): Promise<Record<string, string>> {
  const text = (await page.textContent('#echo')) ?? '{}';
  return (JSON.parse(text) as { headers: Record<string, string> }).headers;
}
