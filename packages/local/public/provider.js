// provider.html: a meal-point manager's list of assignments. Accept or decline offers, report
// accepted ones as completed. `?providerId=` (default meal-320113-xianlin-01, the demo meal point) and `?sub=` pick the identity.

import {
  ASSIGNMENT_STATUS,
  askDialog,
  badge,
  bi,
  countdownEl,
  createApi,
  DIETS,
  defList,
  errorBox,
  formatDistance,
  h,
  label,
  pagedList,
  pageParams,
  replaceChildren,
  runAction,
  showIdentity,
  startCountdowns,
  timeEl,
} from './api.js';

const REFRESH_MS = 15_000;

const params = pageParams();
const claims = {
  role: 'provider',
  sub: params.get('sub') || 'demo-provider',
  providerId: params.get('providerId') || 'meal-320113-xianlin-01',
};
const api = createApi(claims);

const $ = (selector) => document.querySelector(selector);

const offers = pagedList({
  api,
  path: '/assignments',
  query: () => ({ status: 'OFFERED' }),
  list: $('#offers-list'),
  more: $('#offers-more'),
  status: $('#offers-status'),
  emptyZh: '目前没有待接的派单。',
  emptyEn: 'No offers waiting.',
  renderItem: renderAssignment,
});

const allFilter = $('#all-filter');
const all = pagedList({
  api,
  path: '/assignments',
  query: () => ({ status: allFilter.value }),
  list: $('#all-list'),
  more: $('#all-more'),
  status: $('#all-status'),
  emptyZh: '没有派单。',
  emptyEn: 'No assignments.',
  renderItem: renderAssignment,
});

function reloadBoth(opts) {
  offers.reload(opts);
  all.reload(opts);
}

$('#offers-refresh').addEventListener('click', () => offers.reload());
$('#all-refresh').addEventListener('click', () => all.reload());
allFilter.addEventListener('change', () => all.reload());

function renderAssignment(a) {
  const li = h(
    'li',
    {},
    h('div', { class: 'item-head' }, h('p', { class: 'item-title' }, a.subjectName ?? '—'), badge(ASSIGNMENT_STATUS, a.status)),
    defList([
      ['街道', 'Street', a.street],
      ['距离', 'Distance', typeof a.distanceMetres === 'number' ? formatDistance(a.distanceMetres) : null],
      [
        '饮食要求',
        'Diets',
        Array.isArray(a.diets) && a.diets.length
          ? h('span', { class: 'tags' }, a.diets.map((d) => h('span', { class: 'tag' }, label(DIETS, d))))
          : bi('无特殊要求', 'None'),
      ],
      ['派单时间', 'Offered at', timeEl(a.createdAt)],
      [
        '接单截止',
        'Accept by',
        a.status === 'OFFERED' && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null,
      ],
      ['申请编号', 'Application ID', a.applicationId ? h('code', {}, a.applicationId) : null],
    ]),
  );

  const buttons = [];
  const button = (cls, zh, en, onClick) => {
    const b = h('button', { type: 'button', class: `btn ${cls}` }, bi(zh, en));
    b.addEventListener('click', () => onClick(a, buttons));
    buttons.push(b);
    return b;
  };
  if (a.status === 'OFFERED') {
    button('btn-ok', '接单', 'Accept', accept);
    button('btn-danger', '拒绝', 'Decline', decline);
  } else if (a.status === 'ACCEPTED') {
    button('btn-primary', '服务已完成', 'Mark as completed', complete);
  }
  if (buttons.length) li.append(h('div', { class: 'actions' }, buttons));
  return li;
}

function path(a, action) {
  return `/assignments/${encodeURIComponent(a.id)}/${action}`;
}

async function accept(a, buttons) {
  await runAction(buttons, () => api.post(path(a, 'accept'), {}), {
    okZh: `已接单：${a.subjectName ?? ''}`,
    okEn: 'Offer accepted.',
    failZh: '接单未成功',
    failEn: 'Could not accept',
  });
  reloadBoth({ quiet: true });
}

async function decline(a, buttons) {
  const reason = await askDialog({
    titleZh: '拒绝这个派单？',
    titleEn: 'Decline this offer?',
    textZh: `${a.subjectName ?? ''}：系统会为老人另找助餐点。`,
    textEn: 'Another meal point will be found for the resident.',
    labelZh: '拒绝原因（例如：名额已满、无法提供该饮食）',
    labelEn: 'Reason (e.g. full, cannot serve this diet)',
    required: true,
    confirmZh: '确认拒绝',
    confirmEn: 'Decline',
    danger: true,
  });
  if (reason === null) return;
  await runAction(buttons, () => api.post(path(a, 'decline'), { reason }), {
    okZh: '已拒绝该派单。',
    okEn: 'Offer declined.',
    failZh: '拒绝未成功',
    failEn: 'Could not decline',
  });
  reloadBoth({ quiet: true });
}

async function complete(a, buttons) {
  const ok = await askDialog({
    input: false,
    titleZh: '确认服务已完成？',
    titleEn: 'Confirm the service is complete?',
    textZh: `${a.subjectName ?? ''}：确认后将进入补贴结算。`,
    textEn: 'The subsidy is then settled.',
    confirmZh: '确认完成',
    confirmEn: 'Yes, completed',
  });
  if (!ok) return;
  await runAction(buttons, () => api.post(path(a, 'complete'), {}), {
    okZh: '已记录服务完成。',
    okEn: 'Marked as completed.',
    failZh: '提交未成功',
    failEn: 'Could not mark as completed',
  });
  reloadBoth({ quiet: true });
}

async function start() {
  showIdentity(claims);
  startCountdowns();
  try {
    await api.getToken();
  } catch (err) {
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '演示登录失败', titleEn: 'Demo sign-in failed' }));
    return;
  }
  reloadBoth();
  // Background refresh: skipped while the tab is hidden or a dialog is open; quiet reloads only
  // re-render a list whose first page changed, so focus is not lost for nothing.
  setInterval(() => {
    if (document.hidden || document.querySelector('dialog[open]')) return;
    reloadBoth({ quiet: true });
  }, REFRESH_MS);
}

start();
