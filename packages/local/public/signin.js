// The local sign-in page (signin.html): lists the demo identities of the local stack
// (GET /local/identities), grouped by role, and signs in as the one chosen: POST /local/token with
// its claims, the session kept in sessionStorage, then on to `next` or the role's own page.
// In AWS the stage's identity provider's hosted login (OIDC authorisation code + PKCE) takes its place.

import { bi, createApi, errorBox, h, pageParams, replaceChildren } from './api.js';
import { beginOidcSignIn, completeOidcSignIn, loadSiteConfig, SignInError, sessionFromClaims } from './oidc.js';
import { clearSession, elderlyToggle, fallbackName, HOME, loadIdentities, providerNameFromDirectory, readSession, writeSession } from './shell.js';

const $ = (selector) => document.querySelector(selector);

const GROUPS = [
  { role: 'family', zh: '家属', en: 'Families' },
  { role: 'provider', zh: '服务机构', en: 'Providers' },
  { role: 'staff', zh: '工作人员（区民政局）', en: 'Staff (district civil affairs)' },
  { role: 'grid', zh: '网格员', en: 'Grid workers' },
];

/**
 * Providers are grouped by their programme, named as GET /local/identities names it (`kindName`):
 * the vocabulary needs a token, which nobody has yet here, and no page copies the programme list.
 */
function kindsOf(providers) {
  const kinds = new Map();
  for (const p of providers) {
    const key = p.kindName ? p.kind : '';
    if (!kinds.has(key)) kinds.set(key, { kind: key, zh: p.kindName?.zh ?? '其他', en: p.kindName?.en ?? 'Other' });
  }
  return [...kinds.values()];
}

const ROLE_NAME = Object.fromEntries(GROUPS.map((g) => [g.role, g]));
const params = pageParams();
const need = params.get('need');

elderlyToggle($('#elderly-toggle'));

/** `next` when it is one of our pages that this role may open; else the role's own page. */
function destination(role, next = params.get('next') ?? '') {
  const m = /^([a-z][a-z0-9-]*\.html)([?#].*)?$/i.exec(next);
  const home = HOME[role];
  return m && m[1] === home ? next : home;
}

function showNotice() {
  const current = readSession();
  const box = $('#signin-notice');
  if (need && ROLE_NAME[need]) {
    const g = ROLE_NAME[need];
    replaceChildren(
      box,
      h(
        'div',
        { class: 'alert alert-info' },
        h('p', {}, bi(`请先登录。要打开的页面需要“${g.zh}”身份。`, `Please sign in first. The page you opened is for: ${g.en}.`)),
        current ? h('p', {}, bi(`您现在的身份是：${current.name}`, `You are signed in as: ${current.nameEn ?? current.name}`)) : null,
      ),
    );
  } else if (current) {
    // Already signed in: go on as that person, or choose someone else below.
    replaceChildren(
      box,
      h(
        'div',
        { class: 'alert alert-info' },
        h('p', {}, bi(`您已登录：${current.name}。可继续使用，或在下面选择其他身份。`, `You are signed in as ${current.nameEn ?? current.name}. Go on, or choose someone else below.`)),
        h('p', {}, h('a', { href: HOME[current.claims.role] ?? 'index.html', class: 'btn btn-secondary' }, bi('继续', 'Continue'))),
      ),
    );
  }
}

let busy = false;

async function choose(identity, button) {
  if (busy) return;
  busy = true;
  for (const b of document.querySelectorAll('.identity-choice')) b.disabled = true;
  button.setAttribute('aria-busy', 'true');
  replaceChildren($('#signin-status'), h('p', { class: 'loading' }, bi('正在登录…', 'Signing in…')));
  const claims = { role: identity.role, sub: identity.sub };
  for (const k of ['providerId', 'district', 'street']) if (identity[k]) claims[k] = identity[k];
  try {
    clearSession();
    await createApi(claims).getToken(); // mints and keeps the token for the page we go to
    writeSession({ claims, name: identity.name, ...(identity.nameEn ? { nameEn: identity.nameEn } : {}) });
    location.assign(destination(identity.role));
  } catch (err) {
    busy = false;
    for (const b of document.querySelectorAll('.identity-choice')) b.disabled = false;
    button.removeAttribute('aria-busy');
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '登录失败，请再试一次', titleEn: 'Could not sign in; please try again' }));
  }
}

function identityButton(identity) {
  const searchText = [identity.name, identity.nameEn, identity.street, identity.kindName?.zh].filter(Boolean).join(' ').toLowerCase();
  const button = h(
    'button',
    { type: 'button', class: 'btn identity-choice', dataset: { role: identity.role, name: identity.name, sub: identity.sub } },
    h('span', { lang: 'zh-CN', class: 'identity-name' }, identity.name),
    identity.nameEn ? [' ', h('span', { lang: 'en', class: 'en' }, identity.nameEn)] : null,
  );
  button.addEventListener('click', () => choose(identity, button));
  return h('li', { dataset: { search: searchText } }, button);
}

function choiceList(items) {
  return h('ul', { class: 'identity-list' }, items.map(identityButton));
}

function render(items) {
  const order = need && ROLE_NAME[need] ? [ROLE_NAME[need], ...GROUPS.filter((g) => g.role !== need)] : GROUPS;
  const sections = order.map((g) => {
    const mine = items.filter((i) => i.role === g.role);
    if (!mine.length) return null;
    const titleId = `group-${g.role}`;
    let body;
    if (g.role === 'provider') {
      body = kindsOf(mine).map((k) => {
        const ofKind = mine.filter((i) => (i.kindName ? i.kind : '') === k.kind);
        if (!ofKind.length) return null;
        return h('div', { class: 'identity-subgroup' }, h('h3', {}, bi(k.zh, k.en)), choiceList(ofKind));
      });
    } else {
      body = choiceList(mine);
    }
    return h('section', { class: 'identity-group card', id: `role-${g.role}`, 'aria-labelledby': titleId }, h('h2', { id: titleId }, bi(g.zh, g.en)), body);
  });
  // A long list on a phone: links to each group first.
  const jump = h(
    'nav',
    { class: 'identity-jump', 'aria-label': '身份类别 Kinds of people' },
    h(
      'ul',
      { class: 'identity-jump-list' },
      order.filter((g) => items.some((i) => i.role === g.role)).map((g) => h('li', {}, h('a', { href: `#role-${g.role}`, class: 'identity-jump-link' }, bi(g.zh.replace(/（.*）/, ''), g.en.replace(/ \(.*\)/, ''))))),
    ),
  );
  replaceChildren($('#identity-groups'), jump, sections);
}

/** Show only the identities whose name, street or kind contains the search text. */
function filter() {
  const q = $('#identity-search').value.trim().toLowerCase();
  let shown = 0;
  for (const li of document.querySelectorAll('.identity-list > li')) {
    const hit = !q || li.dataset.search.includes(q);
    li.hidden = !hit;
    if (hit) shown++;
  }
  for (const group of document.querySelectorAll('.identity-subgroup, .identity-group')) {
    group.hidden = !group.querySelector('.identity-list > li:not([hidden])');
  }
  // Links only to the groups still shown.
  for (const link of document.querySelectorAll('.identity-jump-link')) {
    link.parentElement.hidden = Boolean(document.querySelector(link.getAttribute('href'))?.hidden);
  }
  $('#search-count').textContent = q ? `找到 ${shown} 个 · ${shown} found` : '';
}

async function main() {
  showNotice();
  replaceChildren($('#signin-status'), h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  // Deployed with an identity provider (config.json names it): its hosted login, no demo list.
  const config = await loadSiteConfig();
  if (config) {
    await oidcMain(config);
    return;
  }
  const items = await loadIdentities();
  if (!items.length) {
    replaceChildren(
      $('#signin-status'),
      h(
        'div',
        { class: 'alert alert-error', role: 'alert' },
        h('p', {}, bi('无法加载可登录的身份。请确认本地服务已启动，然后刷新本页。', 'Could not load the people you can sign in as. Check that the local stack is running, then reload this page.')),
      ),
    );
    return;
  }
  replaceChildren($('#signin-status'));
  render(items);
  $('#identity-search').addEventListener('input', filter);
}

// ---------------------------------------------------------------------------------------------
// In AWS: the stage's identity provider's hosted login (oidc.js: OpenID Connect authorisation code
// flow with PKCE), when the site's config.json names an issuer. The ID token becomes the session's
// token; the API verifies it. config.json may add `logoutUrl` (the provider's logout, which sends
// people back to this page) and `apiBaseUrl` (when the API is on another origin).
// ---------------------------------------------------------------------------------------------

/** The page as the hosted login's start: no demo list, no search. */
function oidcPage() {
  $('.signin-search').hidden = true;
  replaceChildren($('#signin-lead'), bi('请使用您的账号登录。', 'Sign in with your account.'));
}

function oidcFailed(err) {
  const zh = err instanceof SignInError ? err.messageZh : '登录没有成功，请重新登录。';
  const en = err instanceof SignInError ? err.message : 'Sign-in did not succeed. Please sign in again.';
  replaceChildren(
    $('#signin-status'),
    h('div', { class: 'alert alert-error', role: 'alert' }, h('p', {}, bi(zh, en)), h('p', {}, h('a', { href: 'signin.html', class: 'btn btn-secondary' }, bi('重新登录', 'Sign in again')))),
  );
}

async function oidcMain(config) {
  oidcPage();
  const search = location.search;
  if (params.has('code') || params.has('error')) {
    // The code is single-use: keep it out of the address bar and the history.
    history.replaceState(null, '', location.pathname);
    replaceChildren($('#signin-status'), h('p', { class: 'loading' }, bi('正在登录…', 'Signing in…')));
    try {
      if (params.has('error')) throw new SignInError('登录没有完成，请重新登录', 'Sign-in was not completed: please sign in again');
      const done = await completeOidcSignIn(config, { search });
      const session = sessionFromClaims(done.claims, config.claims);
      const oidc = { idToken: done.idToken, ...(config.logoutUrl ? { logoutUrl: config.logoutUrl } : {}), ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}) };
      const named = await nameOf(session, done.claims[config.claims?.name ?? 'name'], oidc);
      clearSession();
      writeSession({ ...session, ...named, oidc });
      location.assign(destination(session.claims.role, done.next ?? ''));
    } catch (err) {
      oidcFailed(err);
    }
    return;
  }
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-large', id: 'oidc-sign-in' }, bi('登录', 'Sign in'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await beginOidcSignIn(config, params.get('next') ?? '');
    } catch (err) {
      button.disabled = false;
      oidcFailed(err);
    }
  });
  replaceChildren($('#signin-status'), h('p', {}, bi('您将前往统一身份认证页面登录，完成后自动回到本页。', 'You will sign in on the identity service’s page and come back here.')), button);
}

/**
 * The name the header shows: staff as their district's bureau and their own name; a provider without
 * a name claim by the provider's name from the directory; never a raw id.
 */
async function nameOf(session, nameClaim, oidc) {
  const { claims } = session;
  const api = createApi(claims, { token: oidc.idToken, baseUrl: oidc.apiBaseUrl ?? '' });
  const personal = typeof nameClaim === 'string' && nameClaim ? nameClaim : undefined;
  if (claims.role === 'provider' && !personal) {
    const name = await providerNameFromDirectory(api, claims.providerId).catch(() => undefined);
    if (name) return { name };
  }
  if (claims.role === 'staff' && claims.district) {
    const body = await api.get('/programmes').catch(() => null);
    const district = (body?.vocabulary?.districts ?? []).find((d) => d.code === claims.district);
    if (district) return { name: `${district.zh}民政局${personal ? ` ${personal}` : ''}`, nameEn: `${district.en} civil affairs` };
  }
  return personal ? { name: personal } : fallbackName(claims);
}

main();
