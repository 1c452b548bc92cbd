// Sign-in through the stage's identity provider: OpenID Connect's authorisation code flow with PKCE
// (RFC 7636), as a public client in the browser — no client secret, no implicit flow. Used by the
// sign-in page when the site's `config.json` names an issuer; the local stack has no config.json
// and signs demo identities in itself.
//
//   const config = await loadSiteConfig();           // null locally
//   await beginOidcSignIn(config, next);             // goes to the provider's hosted login
//   const done = await completeOidcSignIn(config);   // on return (?code=&state=): {idToken, claims, next}

import { jwtClaims } from './api.js';

const PENDING_KEY = 'huimin.oidc.pending';

/** A sign-in that did not complete, in the users' words: Chinese first, English beside. */
export class SignInError extends Error {
  constructor(zh, en) {
    super(en);
    this.name = 'SignInError';
    this.messageZh = zh;
  }
}

/**
 * The site's sign-in configuration, when deployed with an identity provider:
 * `{"oidc":{"issuer","clientId","redirectUri","scope"?,"claims"?:{"role","providerId","district","street","name"}}}`.
 * Absent (404) on the local stack.
 */
export async function loadSiteConfig(fetchImpl = fetch) {
  try {
    const res = await fetchImpl(new URL('config.json', location.href), { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return null;
    const body = await res.json();
    return body?.oidc?.issuer && body.oidc.clientId ? body.oidc : null;
  } catch {
    return null;
  }
}

/** The issuer's endpoints from its discovery document. */
async function discover(config, fetchImpl) {
  const res = await fetchImpl(`${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new SignInError('暂时无法连接统一身份认证，请稍后再试', `The identity provider cannot be reached (${res.status}): please try again later`);
  const doc = await res.json();
  if (!doc.authorization_endpoint || !doc.token_endpoint) throw new SignInError('统一身份认证配置有误，请联系民政部门', "The identity provider's configuration is incomplete: please tell the civil-affairs office");
  return doc;
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** PKCE's S256 challenge of a verifier: BASE64URL(SHA-256(verifier)). */
export async function challengeOf(verifier) {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

/**
 * Goes to the identity provider's login. The verifier, state and nonce stay in this tab's
 * sessionStorage until the provider sends the browser back with a code.
 */
export async function beginOidcSignIn(config, next, { fetchImpl = fetch, go = (url) => location.assign(url) } = {}) {
  const endpoints = await discover(config, fetchImpl);
  const pending = { verifier: randomText(48), state: randomText(16), nonce: randomText(16), next };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(endpoints.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope ?? 'openid profile',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  go(url.toString());
}

/**
 * On the way back from the login (`?code=…&state=…`): checks the state, trades the code and the
 * verifier for tokens at the token endpoint, checks the ID token's nonce, and answers
 * `{idToken, claims, next}`; null when the page was not opened by a login's return.
 */
export async function completeOidcSignIn(config, { fetchImpl = fetch, search = location.search } = {}) {
  const params = new URLSearchParams(search);
  const code = params.get('code');
  if (!code) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || params.get('state') !== pending.state) throw new SignInError('登录已过期或不是从本页发起的，请重新登录', 'This sign-in did not start here or has expired (state mismatch): please sign in again');
  const endpoints = await discover(config, fetchImpl);
  const res = await fetchImpl(endpoints.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }).toString(),
  });
  if (!res.ok) throw new SignInError('统一身份认证未通过，请重新登录', `The identity provider refused the sign-in (${res.status}): please sign in again`);
  const body = await res.json();
  if (!body.id_token) throw new SignInError('统一身份认证未返回身份信息，请重新登录', 'The identity provider sent no ID token: please sign in again');
  const claims = jwtClaims(body.id_token) ?? {};
  if (claims.nonce !== pending.nonce) throw new SignInError('身份信息与本次登录不符，请重新登录', 'The ID token is for another sign-in (nonce mismatch): please sign in again');
  return { idToken: body.id_token, claims, next: pending.next };
}

/** Cognito's claim names; another issuer's are configured in config.json's `oidc.claims`. */
const COGNITO_CLAIMS = { role: 'cognito:groups', providerId: 'custom:providerId', district: 'custom:district', street: 'custom:street', name: 'name' };
const ROLES = ['family', 'provider', 'staff', 'grid'];

/**
 * The pages' session from an ID token's claims: `{claims: {role, sub, providerId?, district?, street?}, name}`,
 * reading the claim names the issuer uses (Cognito's by default). A token naming no known role is refused.
 */
export function sessionFromClaims(idClaims, names = {}) {
  const n = { ...COGNITO_CLAIMS, ...names };
  const groups = [idClaims[n.role]].flat().flatMap((g) => String(g ?? '').split(/[\s,[\]]+/));
  const role = ROLES.find((r) => groups.includes(r));
  if (!role) throw new SignInError('此账号尚未开通本服务的角色，请联系民政部门', 'This account has no role in the service (family, provider, staff or grid worker): ask the civil-affairs office');
  const pick = (key) => (typeof idClaims[n[key]] === 'string' && idClaims[n[key]] ? { [key]: idClaims[n[key]] } : {});
  return {
    claims: { role, sub: String(idClaims.sub), ...pick('providerId'), ...pick('district'), ...pick('street') },
    name: typeof idClaims[n.name] === 'string' ? idClaims[n.name] : String(idClaims.sub),
  };
}
