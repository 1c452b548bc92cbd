import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations } from './support';

/**
 * Sign-in as it works in AWS: the site's config.json names the stage's identity provider, and the
 * sign-in page sends people to its hosted login with OpenID Connect's authorisation code flow and
 * PKCE. Here the provider is a small issuer in the test that refuses a code unless the verifier
 * hashes to the challenge it was given, and issues an ID token the local stack accepts (its own
 * signer, a drop-in issuer).
 */

const env = localStackWithBrowser('oidc');

interface Pending {
  challenge: string;
  method: string;
  nonce: string;
  redirectUri: string;
}
const pending = new Map<string, Pending>();
const seen: { authorize: URLSearchParams[]; token: URLSearchParams[]; refused: string[] } = { authorize: [], token: [], refused: [] };
let issuer: Server;
let issuerUrl = '';

beforeAll(async () => {
  issuer = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuerUrl);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, accept', 'access-control-allow-methods': 'GET, POST' });
      return res.end();
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer: issuerUrl, authorization_endpoint: `${issuerUrl}/authorize`, token_endpoint: `${issuerUrl}/token` });
    }
    if (url.pathname === '/authorize') {
      // The hosted login, signed in at once as a district official.
      const q = url.searchParams;
      seen.authorize.push(q);
      const code = randomUUID();
      pending.set(code, { challenge: q.get('code_challenge') ?? '', method: q.get('code_challenge_method') ?? '', nonce: q.get('nonce') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      seen.token.push(form);
      const p = pending.get(form.get('code') ?? '');
      pending.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const hashed = createHash('sha256').update(verifier).digest('base64url');
      if (p?.method !== 'S256' || hashed !== p.challenge || form.get('redirect_uri') !== p.redirectUri || form.get('grant_type') !== 'authorization_code') {
        seen.refused.push(form.get('code') ?? '');
        return json(400, { error: 'invalid_grant' });
      }
      const idToken = await env.stack.tokens.sign({ role: 'staff', sub: 'oidc-official', district: '320113' }, 3600, { nonce: p.nonce, name: '陈静' });
      return json(200, { id_token: idToken, token_type: 'Bearer', expires_in: 3600 });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => issuer.close(() => r()));
});

/** The site as deployed with an identity provider: config.json names it (the local stack has none). */
async function deployedContext(viewport: typeof PHONE) {
  const context = await env.browser.newContext(viewport);
  await context.route('**/config.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ oidc: { issuer: issuerUrl, clientId: 'huimin-web', redirectUri: `${env.stack.url}/signin.html` } }) }),
  );
  return context;
}

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
])("sign-in through the stage's identity provider on a %s", (viewportName, viewport) => {
  it('goes to the hosted login with a PKCE challenge, trades the code with its verifier and lands signed in by name', async () => {
    const context = await deployedContext(viewport);
    try {
      const page = await context.newPage();
      await page.goto(`${env.stack.url}/staff.html`);
      await page.waitForURL((u) => u.pathname.endsWith('/signin.html'));
      // With an identity provider configured, the demo list is not offered.
      const button = page.locator('#oidc-sign-in');
      await button.waitFor();
      expect(await page.locator('.identity-choice').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/oidc-signin-${viewportName}.png`, fullPage: true });
      const before = seen.token.length;

      await button.click();
      await page.waitForURL((u) => u.pathname.endsWith('/staff.html'), { timeout: 20_000 });

      const asked = seen.authorize.at(-1)!;
      expect(asked.get('response_type')).toBe('code');
      expect(asked.get('client_id')).toBe('huimin-web');
      expect(asked.get('code_challenge_method')).toBe('S256');
      expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The verifier went only to the token endpoint, never through the browser's address bar.
      const traded = seen.token.slice(before);
      expect(traded).toHaveLength(1);
      expect(asked.toString()).not.toContain(traded[0]!.get('code_verifier')!);
      expect(seen.refused).toEqual([]);
      // The console works with the provider's token, and names the person.
      await expect.poll(async () => flat(page.locator('#session-name')), { timeout: 15_000 }).toContain('陈静');
      await page.locator('#subsidies-list').waitFor({ state: 'attached' });
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a sign-in that did not start here', () => {
  it('is refused with a message people can act on, and the verifier is never sent', async () => {
    const context = await deployedContext(DESKTOP);
    try {
      const page = await context.newPage();
      const before = seen.token.length;
      await page.goto(`${env.stack.url}/signin.html?code=forged&state=not-ours`);
      await expect.poll(async () => flat(page.locator('body')), { timeout: 10_000 }).toContain('请重新登录');
      expect(seen.token.length).toBe(before);
      expect(await page.evaluate(() => sessionStorage.getItem('huimin.session'))).toBeNull();
    } finally {
      await context.close();
    }
  });
});
