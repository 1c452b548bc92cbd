// provider.html: a provider's list of assignments (a meal point, a home-visit organisation…).
// Accept or decline offers, report accepted ones as completed, and — for programmes that record
// visits — record each visit against the resident's monthly hours. `?providerId=` (default
// meal-320113-xianlin-01, the demo meal point; home-visit-320113-yikang is the demo home-visit
// organisation) and `?sub=` pick the identity. Needs, units and labels come from GET /programmes.

import {
  askDialog,
  badge,
  bi,
  classText,
  countdownEl,
  createApi,
  defList,
  errorBox,
  familyAnswers,
  fillFromGeolocation,
  formatDistance,
  formatNumber,
  formatUnits,
  h,
  loadVocabulary,
  needsField,
  needsRows,
  optionLabel,
  pagedList,
  pageParams,
  recordsVisits,
  replaceChildren,
  runAction,
  showIdentity,
  startCountdowns,
  timeEl,
  toast,
  vocab,
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

function nounOf(a) {
  return vocab.byType.get(a.type)?.providerNoun ?? { zh: '服务机构', en: 'provider' };
}

/**
 * Offers the family answers (nursery places from allocation rounds) wait for the family, not for
 * the provider: their status in the provider's words.
 */
const AWAITING_FAMILY = { OFFERED: { zh: '等待家庭确认', en: 'Awaiting the family', tone: 'wait' } };

function renderAssignment(a) {
  const programme = vocab.byType.get(a.type);
  const needs = a.needs;
  const family = familyAnswers(programme);
  const awaitingFamily = family && a.status === 'OFFERED';
  const li = h(
    'li',
    { dataset: { assignmentId: a.id } },
    h(
      'div',
      { class: 'item-head' },
      h('p', { class: 'item-title' }, a.subjectName ?? '—'),
      awaitingFamily ? badge(AWAITING_FAMILY, a.status) : badge(vocab.assignmentStatus, a.status),
    ),
    defList([
      ['服务项目', 'Programme', programme ? bi(programme.nameZh, programme.name) : a.type],
      ['班级', 'Class', a.pool ? classText(programme, a.pool) : null],
      ['街道', 'Street', a.street],
      ['距离', 'Distance', typeof a.distanceMetres === 'number' ? formatDistance(a.distanceMetres) : null],
      // Where else the family applied is not the provider's business: ranked choices are left out.
      ...needsRows(programme, needs, { skipKinds: ['ranked-providers'] }),
      ['预留', 'Reserved', formatUnits(programme, a.units)],
      ['派单时间', 'Offered at', timeEl(a.createdAt)],
      [
        family ? '家庭确认截止' : '接单截止',
        family ? 'Family answers by' : 'Accept by',
        a.status === 'OFFERED' && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null,
      ],
      ['申请编号', 'Application ID', a.applicationId ? h('code', {}, a.applicationId) : null],
    ]),
  );
  if (awaitingFamily) {
    li.append(
      h(
        'p',
        { class: 'alert alert-info awaiting-family' },
        bi('等待家庭确认：由家庭决定接受或放弃，机构无需操作。', 'Awaiting the family: they take or leave the place; nothing to do here.'),
      ),
    );
  }

  const buttons = [];
  const button = (cls, zh, en, onClick) => {
    const b = h('button', { type: 'button', class: `btn ${cls}` }, bi(zh, en));
    b.addEventListener('click', () => onClick(a, buttons));
    buttons.push(b);
    return b;
  };
  if (a.status === 'OFFERED' && !family) {
    button('btn-ok', '接单', 'Accept', accept);
    button('btn-danger', '拒绝', 'Decline', decline);
  } else if (a.status === 'ACCEPTED') {
    button('btn-primary', '服务已完成', 'Mark as completed', complete);
  }
  if (buttons.length) li.append(h('div', { class: 'actions' }, buttons));
  if (recordsVisits(programme) && (a.status === 'ACCEPTED' || a.status === 'COMPLETED')) {
    li.append(renderVisitSection(a, programme));
  }
  return li;
}

// ---------------------------------------------------------------------------------------------
// Visits (programmes whose residents ask for services: recorded against their monthly hours)
// ---------------------------------------------------------------------------------------------

let formCounter = 0;

/** `<input type=datetime-local>` value for a Date, in the browser's time zone. */
function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value as ISO 8601 with the browser's offset: 2026-12-03T09:00:00+08:00. */
function isoWithOffset(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, '0');
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The visit form (accepted assignments only) and the visits recorded so far. */
function renderVisitSection(a, programme) {
  const n = ++formCounter;
  const id = (what) => `visit-${n}-${what}`;
  const servicesField = needsField(programme, 'services');
  const offered = Array.isArray(a.needs?.services) ? a.needs.services : [];
  const list = h('ul', { class: 'item-list visit-list', id: id('list') });
  const listStatus = h('div', {});
  const section = h(
    'section',
    { class: 'visits', 'aria-labelledby': id('title') },
    h('h3', { id: id('title') }, bi('上门服务记录', 'Visits')),
    listStatus,
    list,
  );
  const loadList = async () => {
    try {
      const page = await api.get(`/assignments/${encodeURIComponent(a.id)}/visits`);
      const items = Array.isArray(page?.items) ? page.items : [];
      items.sort((x, y) => String(y.startedAt).localeCompare(String(x.startedAt)));
      replaceChildren(listStatus, items.length ? null : h('p', { class: 'empty' }, bi('还没有服务记录。', 'No visits recorded yet.')));
      replaceChildren(
        list,
        items.map((v) =>
          h(
            'li',
            {},
            h('p', { class: 'item-title' }, timeEl(v.startedAt), ' – ', timeEl(v.endedAt)),
            defList([
              ['时长', 'Length', `${v.minutes} 分钟 ${v.minutes} min`],
              [
                servicesField?.label.zh ?? '服务',
                servicesField?.label.en ?? 'Services',
                h('span', { class: 'tags' }, (v.services ?? []).map((x) => h('span', { class: 'tag' }, optionLabel(servicesField, x)))),
              ],
              ['距老人住址', 'From the address', typeof v.distanceMetres === 'number' ? formatDistance(v.distanceMetres) : null],
            ]),
          ),
        ),
      );
    } catch (err) {
      replaceChildren(listStatus, errorBox(err, { titleZh: '无法加载服务记录', titleEn: 'Could not load the visits' }));
    }
  };
  loadList();
  if (a.status !== 'ACCEPTED') return section;

  const now = new Date();
  now.setSeconds(0, 0);
  const start = h('input', { type: 'datetime-local', id: id('start'), name: 'startedAt', required: true, value: localInputValue(new Date(now.getTime() - 3_600_000)) });
  const end = h('input', { type: 'datetime-local', id: id('end'), name: 'endedAt', required: true, value: localInputValue(now) });
  const lat = h('input', { type: 'number', id: id('lat'), name: 'lat', step: 'any', min: -90, max: 90, inputmode: 'decimal' });
  const lng = h('input', { type: 'number', id: id('lng'), name: 'lng', step: 'any', min: -180, max: 180, inputmode: 'decimal' });
  const locateStatus = h('p', { class: 'hint', role: 'status', id: id('locate-status') });
  const errors = h('div', { id: id('errors'), tabindex: -1 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: id('submit') }, bi('登记', 'Record'));
  const locate = h('button', { type: 'button', class: 'btn btn-secondary', id: id('locate') }, bi('使用当前位置', 'Use my location'));

  const fillLocation = () => fillFromGeolocation({ button: locate, status: locateStatus, lat, lng, fallback: ['请手动填写经纬度。', 'Type the latitude and longitude.'] });
  locate.addEventListener('click', fillLocation);

  const form = h(
    'form',
    { class: 'visit-form', novalidate: true, 'aria-labelledby': id('form-title') },
    h('h4', { id: id('form-title') }, bi('登记上门服务', 'Record a visit')),
    errors,
    h(
      'div',
      { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: id('start') }, bi('开始时间', 'Started')), start),
      h('div', { class: 'field' }, h('label', { for: id('end') }, bi('结束时间', 'Ended')), end),
    ),
    h(
      'div',
      { class: 'field' },
      h(
        'fieldset',
        { class: 'checks' },
        h('legend', {}, bi(servicesField?.label.zh ?? '服务内容', servicesField?.label.en ?? 'Services')),
        offered.map((value) =>
          h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'services', value, checked: offered.length === 1 }), ' ', optionLabel(servicesField, value)),
        ),
      ),
    ),
    h(
      'div',
      { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: id('lat') }, bi('纬度', 'Latitude')), lat),
      h('div', { class: 'field' }, h('label', { for: id('lng') }, bi('经度', 'Longitude')), lng),
    ),
    h('p', { class: 'hint' }, bi('服务地点须在老人住址附近；可使用当前位置或手动填写。', "The visit is recorded at the resident's address: use your location or type it in.")),
    locateStatus,
    h('div', { class: 'actions' }, locate, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replaceChildren(errors);
    if ((lat.value === '' || lng.value === '') && !(await fillLocation())) {
      replaceChildren(errors, h('div', { class: 'alert alert-error', role: 'alert' }, bi('请填写服务地点的经纬度。', 'Please give the location of the visit.')));
      return;
    }
    const body = {
      startedAt: isoWithOffset(start.value),
      endedAt: isoWithOffset(end.value),
      services: [...form.querySelectorAll('input[name="services"]:checked')].map((c) => c.value),
      location: { lat: Number(lat.value), lng: Number(lng.value) },
    };
    submit.disabled = true;
    try {
      const visit = await api.post(`/assignments/${encodeURIComponent(a.id)}/visits`, body);
      const hours = formatNumber(visit.minutes / 60);
      toast([`已登记上门服务 ${hours} 小时：${a.subjectName ?? ''}`, `Visit of ${hours} h recorded.`]);
      await loadList();
    } catch (err) {
      // A refusal (422 VISIT_REFUSED) lists each reason, in Chinese and English, under the form.
      replaceChildren(errors, errorBox(err, { titleZh: '未能登记', titleEn: 'The visit was not recorded' }));
      errors.focus();
    } finally {
      submit.disabled = false;
    }
  });

  section.append(form);
  return section;
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
    textZh: `${a.subjectName ?? ''}：系统会为老人另找${nounOf(a).zh}。`,
    textEn: `Another ${nounOf(a).en} will be found for the resident.`,
    labelZh: '拒绝原因（例如：名额已满、无法提供该服务）',
    labelEn: 'Reason (e.g. full, cannot provide this service)',
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

/** "全部 All" then every status of the vocabulary, keeping the current choice. */
function fillStatusFilter(select, table) {
  const current = select.value;
  replaceChildren(
    select,
    h('option', { value: '' }, '全部 All'),
    Object.entries(table).map(([code, s]) => h('option', { value: code }, `${s.zh} ${s.en}`)),
  );
  select.value = current;
}

async function start() {
  showIdentity(claims);
  startCountdowns();
  try {
    await api.getToken();
    await loadVocabulary(api);
  } catch (err) {
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '演示登录失败', titleEn: 'Demo sign-in failed' }));
    return;
  }
  fillStatusFilter(allFilter, vocab.assignmentStatus);
  reloadBoth();
  // Background refresh: skipped while the tab is hidden or a dialog is open; quiet reloads only
  // re-render a list whose first page changed, so focus is not lost for nothing.
  setInterval(() => {
    if (document.hidden || document.querySelector('dialog[open]')) return;
    reloadBoth({ quiet: true });
  }, REFRESH_MS);
}

start();
