// The page shell shared by index.html (families, grid workers), provider.html and staff.html:
// who is signed in, sign-out, the elderly-friendly mode (长辈模式) and the notifications inbox.
//
//   import { startPage } from './shell.js';
//   const { api, session } = await startPage({ role: 'provider', titleZh: '服务机构工作台', titleEn: 'Provider console' });
//
// The signed-in identity is kept in sessionStorage (`huimin.session`: {claims, name, nameEn?}),
// written by signin.html. Nobody signed in, or someone of another role → signin.html?next=<this page>.
// Developer shortcut for the local stack: the old query parameters (?sub=…, ?providerId=…&sub=…,
// ?role=grid&sub=…, &district=…, &street=…) sign in as that identity directly, so scripted tests
// can open a page as a fresh family without going through the sign-in page.

import { bi, createApi, h, jwtClaims, loadDirectory, loadVocabulary, pageParams, replaceChildren, timeEl, toastHost } from './api.js';

export const SESSION_KEY = 'huimin.session';
const ELDERLY_KEY = 'huimin.elderly';
const SEEN_PREFIX = 'huimin.inboxSeen:';
const POLL_MS = 30_000;

/** The landing page of each role (signin.html sends people there when no `next` is given). */
export const HOME = { family: 'index.html', provider: 'provider.html', staff: 'staff.html', grid: 'index.html' };

// Apply the elderly mode as soon as this module is evaluated, before the page's own code renders.
applyElderly(readLocal(ELDERLY_KEY) === '1');

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

/** The signed-in identity `{claims, name, nameEn?}`, or null. */
export function readSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return s && typeof s === 'object' && s.claims?.role && s.claims?.sub ? s : null;
  } catch {
    return null;
  }
}

/** Keep `session` as the signed-in identity of this tab. */
export function writeSession(session) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // storage refused (privacy mode): the page still works until it is reloaded
  }
}

/** Forget the signed-in identity and every cached token of this tab. */
export function clearSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
    for (const key of Object.keys(sessionStorage)) if (key.startsWith('huimin.token:')) sessionStorage.removeItem(key);
  } catch {
    // nothing to clear
  }
}

/** Sign out and go to the sign-in page (or the identity provider's logout, which comes back to it). */
export function signOut() {
  const logoutUrl = readSession()?.oidc?.logoutUrl;
  clearSession();
  location.assign(logoutUrl || 'signin.html');
}

const sameClaims = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const canonical = (c) => Object.fromEntries(Object.entries(c ?? {}).sort(([x], [y]) => x.localeCompare(y)));

/** The identity the old query parameters ask for (local developer shortcut), or null. */
function shortcutClaims(roles) {
  const p = pageParams();
  const sub = p.get('sub')?.trim();
  const district = p.get('district')?.trim() || undefined;
  if (roles.includes('grid') && p.get('role') === 'grid') {
    return { role: 'grid', sub: sub || 'demo-grid', district: district ?? '320113', street: p.get('street')?.trim() || '仙林街道' };
  }
  if (roles.includes('provider') && (p.has('providerId') || sub)) {
    return { role: 'provider', sub: sub || 'demo-provider', providerId: p.get('providerId')?.trim() || 'meal-320113-xianlin-01' };
  }
  if (roles.includes('staff') && sub) return { role: 'staff', sub, district: district ?? '320113' };
  if (roles.includes('family') && sub) return { role: 'family', sub };
  return null;
}

/** GET /local/identities (local stack, no token): the demo identities; [] when unavailable. */
export async function loadIdentities() {
  try {
    const res = await fetch('/local/identities', { headers: { Accept: 'application/json' } });
    if (!res.ok) return [];
    const body = await res.json();
    return Array.isArray(body?.items) ? body.items : [];
  } catch {
    return [];
  }
}

/** The demo identity matching these claims (same provider, district, street or sub). */
function matchIdentity(items, claims) {
  const ofRole = items.filter((i) => i.role === claims.role);
  if (claims.role === 'provider') return ofRole.find((i) => i.providerId === claims.providerId);
  if (claims.role === 'grid') return ofRole.find((i) => i.street === claims.street && (!i.district || i.district === claims.district));
  return ofRole.find((i) => i.sub === claims.sub) ?? (claims.role === 'staff' ? ofRole.find((i) => i.district === claims.district) : undefined);
}

/** A name for an identity the demo list does not know (never a raw id). */
export function fallbackName(claims) {
  if (claims.role === 'grid') return { name: `${claims.street ?? ''}网格员`, nameEn: 'Grid worker' };
  if (claims.role === 'staff') return { name: '民政局工作人员', nameEn: 'Civil affairs staff' };
  if (claims.role === 'provider') return { name: '服务机构', nameEn: 'Provider' };
  return { name: '家属', nameEn: 'Family member' };
}

/** A session for claims given in the URL, named from the demo identities when they know it. */
async function shortcutSession(claims) {
  const kept = readSession();
  if (kept && sameClaims(kept.claims, claims)) return kept;
  const found = matchIdentity(await loadIdentities(), claims);
  if (found && (claims.role !== 'family' || found.sub === claims.sub)) return { claims, name: found.name, ...(found.nameEn ? { nameEn: found.nameEn } : {}) };
  // A provider registered since the stack started: its name from the programmes' directories.
  if (claims.role === 'provider') {
    const name = await providerNameFromDirectory(createApi(claims), claims.providerId).catch(() => undefined);
    if (name) return { claims, name };
  }
  // A family of a test (?sub=browser-…) is not in the demo list: it is named generically.
  return { claims, ...fallbackName(claims) };
}

/** A provider's name from the districts' provider directories (GET /programmes/{type}/providers), read through their cache. */
export async function providerNameFromDirectory(api, providerId) {
  const { districtList, programmes } = await loadVocabulary(api);
  for (const district of districtList) {
    const lists = await Promise.all(programmes.map((p) => loadDirectory(api, p, district.code).catch(() => [])));
    const hit = lists.flat().find((p) => p.id === providerId);
    if (hit?.name) return hit.name;
  }
  return undefined;
}

/**
 * Start a protected page: make sure someone of `role` (one role or an array) is signed in (else go
 * to the sign-in page and never resolve), render the header, and answer `{api, session}`.
 */
export async function startPage({ role, titleZh, titleEn }) {
  const roles = Array.isArray(role) ? role : [role];
  if (titleZh) document.title = `${titleZh} ${titleEn ?? ''} · 惠民 Huimin`.replace(/\s+/g, ' ');

  let session;
  const fromUrl = shortcutClaims(roles);
  if (fromUrl) {
    session = await shortcutSession(fromUrl);
    writeSession(session);
  } else {
    session = readSession();
  }
  // A hosted-login session ends with its ID token: sign in again rather than fail every call.
  if (session?.oidc && tokenExpired(session.oidc.idToken)) {
    clearSession();
    session = null;
  }
  if (!session || !roles.includes(session.claims.role)) {
    const next = `${location.pathname.replace(/^.*\//, '') || 'index.html'}${location.search}${location.hash}`;
    location.replace(`signin.html?${new URLSearchParams({ next, need: roles[0] })}`);
    return new Promise(() => {}); // the page goes away
  }

  const api = session.oidc ? createApi(session.claims, { token: session.oidc.idToken, baseUrl: session.oidc.apiBaseUrl ?? '' }) : createApi(session.claims);
  renderHeader(session, api);
  // Toasts in the flow under the header from the first one on.
  toastHost();
  return { api, session };
}

/** Whether a JWT's `exp` has passed (an unreadable token counts as expired). */
function tokenExpired(token) {
  const claims = jwtClaims(token);
  return !claims || (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now());
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

const ROLE_LABEL = {
  family: ['家属', 'Family'],
  provider: ['服务机构', 'Provider'],
  staff: ['工作人员', 'Staff'],
  grid: ['网格员', 'Grid worker'],
};

/** The header's "who is signed in" text: the name, with the role as a quieter prefix. */
function whoIsSignedIn(session) {
  const [roleZh, roleEn] = ROLE_LABEL[session.claims.role] ?? ['', ''];
  return h(
    'p',
    { class: 'who', id: 'session-name' },
    h('span', { class: 'visually-hidden' }, '当前登录 Signed in: '),
    h('span', { class: 'who-role' }, bi(roleZh, roleEn)),
    ' ',
    h('strong', { class: 'who-name' }, h('span', { lang: 'zh-CN' }, session.name ?? ''), session.nameEn ? [' ', h('span', { lang: 'en', class: 'en' }, session.nameEn)] : null),
  );
}

function renderHeader(session, api) {
  let header = document.querySelector('header.site-header');
  if (!header) {
    header = h('header', { class: 'site-header' });
    document.body.prepend(header);
  }
  let wrap = header.querySelector('.wrap');
  if (!wrap) {
    wrap = h('div', { class: 'wrap' });
    header.append(wrap);
  }
  const brand = wrap.querySelector('.brand') ?? h('p', { class: 'brand' }, bi('惠民', 'Huimin'));
  // Links to the other roles' pages would only lead back to the sign-in page: left out.
  for (const old of wrap.querySelectorAll('nav, #identity')) old.remove();
  header.querySelector('.inbox-panel')?.remove();

  const elderly = elderlyToggle(h('button', { type: 'button', class: 'btn btn-header', id: 'elderly-toggle' }, bi('长辈模式', 'Large text')));

  const signOutButton = h('button', { type: 'button', class: 'btn btn-header', id: 'sign-out' }, bi('退出登录', 'Sign out'));
  signOutButton.addEventListener('click', signOut);

  const inbox = createInbox(session, api);
  const tools = h('div', { class: 'header-tools' }, inbox.button, elderly, signOutButton);
  replaceChildren(wrap, brand, whoIsSignedIn(session), tools);
  header.append(inbox.panel);
  inbox.start();
}

// ---------------------------------------------------------------------------------------------
// Elderly-friendly mode (长辈模式): large type, high contrast; remembered on this device
// ---------------------------------------------------------------------------------------------

/** Make `button` the 长辈模式 toggle (aria-pressed, remembered in localStorage); answers it. */
export function elderlyToggle(button) {
  button.setAttribute('aria-pressed', String(isElderly()));
  button.addEventListener('click', () => {
    const on = !isElderly();
    applyElderly(on);
    writeLocal(ELDERLY_KEY, on ? '1' : '0');
    button.setAttribute('aria-pressed', String(on));
  });
  return button;
}

function isElderly() {
  return document.documentElement.classList.contains('elderly');
}

function applyElderly(on) {
  document.documentElement.classList.toggle('elderly', on);
}

function readLocal(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeLocal(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered: harmless
  }
}

// ---------------------------------------------------------------------------------------------
// Notifications inbox (消息)
// ---------------------------------------------------------------------------------------------

function createInbox(session, api) {
  const seenKey = `${SEEN_PREFIX}${session.claims.role}:${session.claims.sub}`;
  const linkable = session.claims.role === 'family' || session.claims.role === 'grid';
  const count = h('span', { class: 'inbox-count', hidden: true, 'aria-hidden': 'true' });
  const countText = h('span', { class: 'visually-hidden' });
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-header', id: 'inbox-button', 'aria-expanded': 'false', 'aria-controls': 'inbox-panel' },
    bi('消息', 'Messages'),
    count,
    countText,
  );
  const list = h('ul', { class: 'inbox-list' });
  const status = h('div', { class: 'inbox-status' });
  const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, bi('收起', 'Close'));
  const panel = h(
    'section',
    { class: 'inbox-panel', id: 'inbox-panel', hidden: true, 'aria-labelledby': 'inbox-title' },
    h('div', { class: 'inbox-inner' }, h('div', { class: 'inbox-head' }, h('h2', { id: 'inbox-title' }, bi('消息', 'Messages')), close), status, list),
  );

  let items = [];
  let lastPoll = 0;
  let loaded = false;

  const seenAt = () => readLocal(seenKey) ?? '';
  const unread = () => items.filter((n) => typeof n.at === 'string' && n.at > seenAt()).length;

  function showCount() {
    const n = unread();
    count.hidden = n === 0;
    count.textContent = String(n);
    countText.textContent = n ? `，${n} 条未读 ${n} unread` : '';
  }

  function renderList() {
    const seen = seenAt();
    replaceChildren(
      list,
      items.map((n) =>
        h(
          'li',
          { class: `inbox-item${n.at > seen ? ' unread' : ''}`, dataset: { kind: n.kind ?? '' } },
          h(
            'p',
            { class: 'inbox-item-title' },
            n.at > seen ? [h('span', { class: 'badge badge-info inbox-new' }, bi('新', 'New')), ' '] : null,
            bi(n.titleZh ?? n.title ?? '', n.titleZh ? (n.title ?? '') : ''),
          ),
          n.bodyZh || n.body ? h('p', { class: 'inbox-item-body' }, bi(n.bodyZh ?? n.body, n.bodyZh ? (n.body ?? '') : '')) : null,
          h('p', { class: 'meta' }, timeEl(n.at), ago(n.at)),
          // A family (or grid worker) goes straight to the application the message is about.
          linkable && n.applicationId
            ? h('p', {}, h('a', { href: `index.html#app=${encodeURIComponent(n.applicationId)}`, class: 'inbox-open' }, bi('查看申请', 'Open the application')))
            : null,
        ),
      ),
    );
    replaceChildren(status, loaded && !items.length ? h('p', { class: 'empty' }, bi('暂无消息。', 'No messages yet.')) : null);
  }

  async function poll() {
    lastPoll = Date.now();
    try {
      const body = await api.get('/notifications');
      items = Array.isArray(body?.items) ? body.items : [];
      loaded = true;
      showCount();
      if (!panel.hidden) renderList();
    } catch {
      // The inbox is a convenience: a failed poll keeps what was shown and tries again later.
      if (!panel.hidden && !loaded) replaceChildren(status, h('p', { class: 'meta' }, bi('消息暂时无法加载，稍后会自动重试。', 'Messages cannot be loaded now; trying again later.')));
    }
  }

  function markSeen() {
    const newest = items.reduce((m, n) => (typeof n.at === 'string' && n.at > m ? n.at : m), seenAt());
    if (newest) writeLocal(seenKey, newest);
    showCount();
  }

  function open() {
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    renderList();
    markSeen();
    if (Date.now() - lastPoll > 5000) poll().then(markSeen);
  }

  function shut() {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    // Items read now are no longer marked as new next time.
    renderList();
  }

  button.addEventListener('click', () => (panel.hidden ? open() : shut()));
  list.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('.inbox-open')) shut();
  });
  close.addEventListener('click', () => {
    shut();
    button.focus();
  });
  // Escape closes it, from the panel or from its button.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden && (panel.contains(document.activeElement) || document.activeElement === button)) {
      shut();
      button.focus();
    }
  });

  function start() {
    poll();
    // At most every 30 s, and never while the tab is hidden.
    setInterval(() => {
      if (!document.hidden && Date.now() - lastPoll >= POLL_MS) poll();
    }, 5000);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && Date.now() - lastPoll >= POLL_MS) poll();
    });
  }

  return { button, panel, start, poll };
}

/** " · 5 分钟前 5 min ago" for the last two days; nothing for older or future times. */
function ago(iso) {
  const minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 0 || minutes >= 48 * 60) return null;
  if (minutes < 1) return [' · ', bi('刚刚', 'just now')];
  if (minutes < 60) return [' · ', bi(`${minutes} 分钟前`, `${minutes} min ago`)];
  const hours = Math.floor(minutes / 60);
  return [' · ', bi(`${hours} 小时前`, `${hours} h ago`)];
}
