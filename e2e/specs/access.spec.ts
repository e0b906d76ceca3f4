/**
 * Web mode's token as a browser lives it: the printed URL's token becomes an HttpOnly cookie, leaves the
 * address bar, and keeps the page working after a reload; a browser without it, or another page in the
 * same browser, is refused.
 */
import { expect, test } from '../fixtures/app';

test('the token moves from the URL into an HttpOnly cookie and the page keeps working', async ({
  studio,
  page,
  context,
}) => {
  expect(page.url()).not.toContain('token=');
  expect(page.url()).toContain('e2e=1');
  expect(await page.evaluate(() => document.cookie)).not.toContain('qwen_edit_token');
  const [cookie] = (await context.cookies()).filter((c) => c.name.startsWith('qwen_edit_token_'));
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

  await page.reload();
  await studio.waitUntilReady();
});

test('without the token, or from another page in the same browser, nothing answers', async ({
  studio,
  page,
  context,
  browser,
}) => {
  await studio.waitUntilReady();
  const wsUrl = new URL('/ws', page.url()).toString().replace(/^http/, 'ws');
  const stranger = await browser.newContext();
  expect((await stranger.request.get(page.url())).status()).toBe(403);
  await stranger.close();

  // Another page in the user's own browser (this one has the cookie): its origin is not the app's.
  const other = await context.newPage();
  await other.setContent('<p>some other site</p>');
  const outcome = await other.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    wsUrl,
  );
  expect(outcome).toBe('refused');
  await other.close();
});
