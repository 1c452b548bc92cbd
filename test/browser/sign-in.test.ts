import { createHash } from 'node:crypto';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DemoIdentity as SeededIdentity } from '../../packages/local/src/seed';
import { DESKTOP, type DemoIdentity, flat, HOME_PAGE, localStackWithBrowser, PHONE, SHOTS, seriousViolations, signIn, signOut } from './support';

/**
 * Sign-in and sign-out through the local sign-in page, for each role, on a phone and a desktop:
 * a protected page opened by nobody goes to signin.html, the chosen identity lands on its page with
 * its name in the header, and after signing out the page is protected again.
 */

const env = localStackWithBrowser('signin');

/** What GET /local/identities lists: the demo seed's own shape. */
type Listed = SeededIdentity;

async function identities(): Promise<Listed[]> {
  const res = await fetch(`${env.stack.url}/local/identities`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Listed[] }).items;
}

/** The identity each role signs in as: the stack's demo family, meal point, district and grid worker. */
async function pick(role: DemoIdentity['role']): Promise<Listed> {
  const all = (await identities()).filter((i) => i.role === role);
  const found =
    role === 'family'
      ? all.find((i) => i.sub === 'demo-family')
      : role === 'provider'
        ? all.find((i) => i.providerId === 'meal-320113-xianlin-01')
        : role === 'staff'
          ? all.find((i) => i.district === '320113')
          : all.find((i) => i.sub === 'demo-grid');
  if (!found) throw new Error(`no demo ${role} in GET /local/identities`);
  return found;
}

async function shoot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const VIEWPORTS: [string, BrowserContextOptions][] = [
  ['phone', PHONE],
  ['desktop', DESKTOP],
];
const ROLES: DemoIdentity['role'][] = ['family', 'provider', 'staff', 'grid'];

describe.each(VIEWPORTS)('sign-in on a %s', (viewportName, viewport) => {
  it.each(ROLES)('a %s signs in by name and signs out', async (role) => {
    const who = await pick(role);
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      const home = HOME_PAGE[role];

      // Nobody signed in: the protected page sends us to the sign-in page, remembering where we were.
      await page.goto(`${env.stack.url}/${home}`);
      await page.waitForURL((url) => url.pathname.endsWith('/signin.html'));
      expect(new URL(page.url()).searchParams.get('next')).toBe(home);
      await page.locator('.identity-choice').first().waitFor();
      // Every role is offered, each under its heading; providers by their programme.
      for (const r of ROLES) expect(await page.locator(`#role-${r} .identity-choice`).count()).toBeGreaterThan(0);
      expect(await page.locator('#role-provider h3').count()).toBeGreaterThanOrEqual(4);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `signin-${role}-${viewportName}`);

      await signIn(page, env.stack.url, who);
      expect(new URL(page.url()).pathname).toBe(`/${home}`);
      const header = await flat(page.locator('#session-name'));
      expect(header).toContain(who.name);
      // People are named, never shown by their ids or codes.
      expect(header).not.toMatch(/demo-|meal-320113|320113/);
      if (role === 'provider') expect(header).toMatch(/[\u4e00-\u9fff]{4,}/);
      // The header's tools: messages, elderly mode, sign-out.
      await expect.poll(() => page.locator('#inbox-button').isVisible()).toBe(true);
      expect(await page.locator('#elderly-toggle').getAttribute('aria-pressed')).toBe('false');
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `signed-in-${role}-${viewportName}`);

      // A reload keeps the person signed in.
      await page.reload();
      await page.locator('#session-name').waitFor();
      expect(await flat(page.locator('#session-name'))).toContain(who.name);

      await signOut(page);
      expect(await seriousViolations(page)).toEqual([]);
      // Signed out: the page is protected again.
      await page.goto(`${env.stack.url}/${home}`);
      await page.waitForURL((url) => url.pathname.endsWith('/signin.html'));
      await page.locator('.identity-choice').first().waitFor();
    } finally {
      await context.close();
    }
  });

  it('finds a provider by searching, and asks someone of another role to sign in again', async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      const provider = await pick('provider');
      await page.goto(`${env.stack.url}/signin.html`);
      await page.locator('.identity-choice').first().waitFor();
      const all = await page.locator('.identity-choice:visible').count();
      await page.getByLabel(/查找身份/).fill(provider.name);
      await expect.poll(() => page.locator('.identity-choice:visible').count()).toBeLessThan(all);
      expect(await page.locator(`.identity-choice:visible[data-name="${provider.name}"]`).count()).toBe(1);
      // Groups with nothing left are hidden.
      expect(await page.locator('#role-staff').isVisible()).toBe(false);
      expect(await page.locator('.identity-jump-link:visible').count()).toBe(1);
      expect(await flat(page.locator('#search-count'))).toMatch(/找到 \d+ 个/);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `signin-search-${viewportName}`);
      await page.getByLabel(/查找身份/).fill('没有这个名字');
      await expect.poll(() => page.locator('.identity-choice:visible').count()).toBe(0);
      await page.getByLabel(/查找身份/).fill('');

      // A family opening the staff console is asked to sign in as staff; `next` brings staff there.
      await signIn(page, env.stack.url, await pick('family'));
      await page.goto(`${env.stack.url}/staff.html`);
      await page.waitForURL((url) => url.pathname.endsWith('/signin.html'));
      expect(await flat(page.locator('#signin-notice'))).toMatch(/工作人员/);
      expect(await page.locator('#identity-groups > section').first().getAttribute('id')).toBe('role-staff');
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `signin-other-role-${viewportName}`);
      await signIn(page, env.stack.url, await pick('staff'));
      expect(new URL(page.url()).pathname).toBe('/staff.html');
    } finally {
      await context.close();
    }
  });
});

describe.each(VIEWPORTS)('the messages inbox on a %s', (viewportName, viewport) => {
  it('counts what is new, lists it in Chinese and English, and polls only while the tab is seen', async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      await page.clock.install();
      // The inbox's own behaviour, with the answers of GET /notifications given here.
      const now = Date.now();
      const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
      let items = [
        { id: 'n2', at: at(5), kind: 'offer-made', titleZh: '已为王秀英安排助餐点', title: 'A meal place is offered', bodyZh: '仙林街道第一社区助餐点，请在截止前确认。', body: 'Please answer before the deadline.', applicationId: 'a1' },
        { id: 'n1', at: at(60), kind: 'subsidy-decided', titleZh: '补贴已批准', title: 'Subsidy approved', bodyZh: '王秀英的助餐补贴已批准。', body: "Wang Xiuying's meal subsidy is approved.", applicationId: 'a1' },
      ];
      let polls = 0;
      await page.route('**/notifications*', async (route) => {
        polls++;
        await route.fulfill({ json: { items } });
      });
      await signIn(page, env.stack.url, await pick('family'));
      await expect.poll(() => page.locator('#inbox-button .inbox-count').textContent()).toBe('2');
      expect(await page.locator('#inbox-button').getAttribute('aria-expanded')).toBe('false');

      await page.locator('#inbox-button').click();
      const panel = page.locator('#inbox-panel');
      await panel.waitFor();
      expect(await page.locator('#inbox-button').getAttribute('aria-expanded')).toBe('true');
      const listed = await flat(panel);
      expect(listed).toContain('已为王秀英安排助餐点');
      expect(listed).toContain('A meal place is offered');
      expect(listed).toContain('补贴已批准');
      expect(await panel.locator('.inbox-item.unread').count()).toBe(2);
      // Opened: nothing is unread any more.
      await expect.poll(() => page.locator('#inbox-button .inbox-count').isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `inbox-${viewportName}`);
      // Each message leads to its application.
      expect(await panel.locator('a.inbox-open').first().getAttribute('href')).toBe('index.html#app=a1');
      await page.keyboard.press('Escape');
      expect(await panel.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('inbox-button');

      // A new message arrives: counted at the next poll, 30 s later.
      items = [{ id: 'n3', at: new Date(now + 1000).toISOString(), kind: 'deadline-near', titleZh: '确认截止时间将到', title: 'The deadline is near', bodyZh: '请尽快确认。', body: 'Please answer soon.', applicationId: 'a1' }, ...items];
      const before = polls;
      await page.clock.runFor(10_000);
      expect(polls).toBe(before);
      await page.clock.runFor(25_000);
      await expect.poll(() => page.locator('#inbox-button .inbox-count').textContent()).toBe('1');

      // A hidden tab is not polled; it is again once seen.
      await page.evaluate(() => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const hiddenFrom = polls;
      await page.clock.runFor(120_000);
      expect(polls).toBe(hiddenFrom);
      await page.evaluate(() => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await expect.poll(() => polls).toBe(hiddenFrom + 1);
    } finally {
      await context.close();
    }
  });
});

describe.each(VIEWPORTS)('sign-in at an identity provider (as in AWS) on a %s', (viewportName, viewport) => {
  // oidc-sign-in.test.ts follows the whole flow for staff; here: a provider whose ID token has no
  // name is named from the directory (never by its id), and sign-out goes through the provider.
  it('names a provider from the directory and signs out through the identity provider', async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      const IDP = 'https://id.example.test';
      const cors = { 'access-control-allow-origin': '*' };
      const seen: { challenge?: string; nonce?: string; verifierOk?: boolean; loggedOut?: boolean } = {};
      await page.route('**/config.json', (route) =>
        route.fulfill({ json: { oidc: { issuer: IDP, clientId: 'web-client', redirectUri: `${env.stack.url}/signin.html`, logoutUrl: `${IDP}/logout?client_id=web-client` } } }),
      );
      await page.route(`${IDP}/.well-known/openid-configuration`, (route) =>
        route.fulfill({ headers: cors, json: { issuer: IDP, authorization_endpoint: `${IDP}/oauth2/authorize`, token_endpoint: `${IDP}/oauth2/token` } }),
      );
      // The hosted login: remembers the challenge and nonce, and sends the browser back with a code.
      await page.route(`${IDP}/oauth2/authorize**`, (route) => {
        const q = new URL(route.request().url()).searchParams;
        expect(q.get('code_challenge_method')).toBe('S256');
        seen.challenge = q.get('code_challenge') ?? undefined;
        seen.nonce = q.get('nonce') ?? undefined;
        const back = new URL(q.get('redirect_uri') ?? '');
        back.search = new URLSearchParams({ code: 'one-time-code', state: q.get('state') ?? '' }).toString();
        return route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>IdP</title><script>location.replace(${JSON.stringify(back.href)})</script>` });
      });
      await page.route(`${IDP}/oauth2/token`, async (route) => {
        if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: { ...cors, 'access-control-allow-headers': 'content-type, accept' } });
        const form = new URLSearchParams(route.request().postData() ?? '');
        seen.verifierOk = form.get('code') === 'one-time-code' && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === seen.challenge;
        if (!seen.verifierOk) return route.fulfill({ status: 400, headers: cors, json: { error: 'invalid_grant' } });
        const idToken = await env.stack.tokens.sign({ role: 'provider', sub: 'oidc-provider-user', providerId: 'meal-320113-xianlin-01' }, 3600, { nonce: seen.nonce ?? '' });
        return route.fulfill({ headers: cors, json: { id_token: idToken, token_type: 'Bearer', expires_in: 3600 } });
      });
      // The provider's logout ends its session and sends people back to the sign-in page.
      await page.route(`${IDP}/logout**`, (route) => {
        seen.loggedOut = true;
        return route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>IdP</title><script>location.replace(${JSON.stringify(`${env.stack.url}/signin.html`)})</script>` });
      });

      await page.goto(`${env.stack.url}/provider.html`);
      await page.waitForURL((url) => url.pathname.endsWith('/signin.html'));
      const start = page.locator('#oidc-sign-in');
      await start.waitFor();
      expect(await page.locator('.identity-choice').count()).toBe(0);
      expect(await page.locator('#identity-search').isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `signin-oidc-${viewportName}`);

      await start.click();
      await page.waitForURL((url) => url.pathname.endsWith('/provider.html'));
      expect(seen.verifierOk).toBe(true);
      // Named from the programmes' directory (the ID token carries only ids), never by its id.
      await expect.poll(() => flat(page.locator('#session-name'))).toContain('仙林街道第一社区助餐点');
      expect(await flat(page.locator('#session-name'))).not.toMatch(/oidc-provider-user|meal-320113/);
      expect(await seriousViolations(page)).toEqual([]);

      await signOut(page);
      expect(seen.loggedOut).toBe(true);
      await page.locator('#oidc-sign-in').waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('huimin.session'))).toBeNull();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("computes RFC 7636's S256 challenge", async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      await page.goto(`${env.stack.url}/signin.html`);
      await page.locator('.identity-choice').first().waitFor();
      // RFC 7636 appendix B: the verifier and the challenge it gives.
      const challenge = await page.evaluate(`import('/oidc.js').then((m) => m.challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'))`);
      expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    } finally {
      await context.close();
    }
  });
});
