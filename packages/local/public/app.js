// index.html: a family applies for a community meal place (老年助餐点) for a parent and follows
// the application. Two views switched by the URL hash: the form (no hash) and one application
// (#app=<id>, polled every 1.5 s until it reaches a final status). "My applications" is always shown.

import {
  APPLICATION_STATUS,
  APPLICATION_TYPES,
  ASSIGNMENT_STATUS,
  announce,
  askDialog,
  badge,
  bi,
  countdownEl,
  createApi,
  DIETS,
  DISTRICTS,
  defList,
  errorBox,
  formatDistance,
  formatSubsidy,
  h,
  label,
  pagedList,
  pageParams,
  reasonsList,
  replaceChildren,
  SUBSIDY_STATUS,
  showIdentity,
  startCountdowns,
  TERMINAL_APPLICATION_STATUSES,
  timeEl,
  toast,
  uuid,
} from './api.js';

const POLL_MS = 1500;
const QIXIA = '320113';

// `?sub=xyz` acts as another family (each keeps its own token in sessionStorage).
const api = createApi({ role: 'family', sub: pageParams().get('sub') || 'demo-family' });

const $ = (selector) => document.querySelector(selector);
const form = $('#apply-form');
const formErrors = $('#form-errors');
const submitButton = $('#submit');
const district = $('#district');
const streetSelect = $('#street-select');
const streetText = $('#street-text');
const lat = $('#lat');
const lng = $('#lng');
const detailView = $('#detail-view');
const formView = $('#form-view');
const detail = $('#detail');
const detailError = $('#detail-error');
const pollStatus = $('#poll-status');

// A line under the status badge saying what happens next, in plain words.
const NEXT_STEP = {
  SUBMITTED: ['申请已收到，正在审核资格。', 'We have your application and are checking eligibility.'],
  AWAITING_APPROVAL: ['资格已通过，助餐补贴正等待街道/区工作人员审批。', 'Eligible; the meal subsidy is waiting for staff approval.'],
  MATCHING: ['正在为老人寻找合适的助餐点。', 'Looking for a suitable meal point.'],
  OFFERED: ['已为老人推荐助餐点，等待助餐点确认接单。', 'A meal point has been offered the place and is confirming.'],
  ACTIVE: ['助餐点已确认，老人可以去用餐了。', 'The meal point has confirmed: meals can start.'],
  COMPLETED: ['服务已完成。', 'The service is complete.'],
  WAITLISTED: ['附近暂时没有空余名额，已排队，有名额时会自动安排。', 'No free place nearby now; queued and will be matched when one frees up.'],
  INELIGIBLE: ['不符合申请条件，原因见下方。', 'Not eligible; see the reasons below.'],
  REJECTED: ['补贴申请未获批准。', 'The subsidy was not approved.'],
  CANCELLED: ['申请已撤销。', 'The application was cancelled.'],
};

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

/**
 * Idempotency: one key per form fill. A retry of the same body (say after a network error) reuses
 * it, so the server sees one application; a changed body gets a new key (the server answers 422 to
 * a reused key with a different body); after a success the next fill starts afresh.
 */
let pendingSubmission = null; // { key, body } of the last attempt not yet known to have succeeded

function idempotencyKeyFor(bodyJson) {
  if (!pendingSubmission || pendingSubmission.body !== bodyJson) {
    pendingSubmission = { key: uuid(), body: bodyJson };
  }
  return pendingSubmission.key;
}

/** Empty → null (so the server names the missing field), otherwise a number. */
function numberOrNull(input) {
  const raw = input.value.trim();
  return raw === '' ? null : Number(raw);
}

/** Only set optional strings the user filled in. */
function optional(value) {
  const v = value.trim();
  return v === '' ? undefined : v;
}

function buildBody() {
  const maxDistance = numberOrNull($('#max-distance'));
  return {
    type: 'meal',
    applicant: {
      name: $('#applicant-name').value.trim(),
      phone: $('#applicant-phone').value.trim(),
      relationship: $('#applicant-relationship').value,
    },
    subject: {
      name: $('#subject-name').value.trim(),
      idNumber: $('#subject-id').value.trim().toUpperCase(),
      phone: optional($('#subject-phone').value),
      address: {
        district: district.value,
        street: district.value === QIXIA ? streetSelect.value : streetText.value.trim(),
        detail: optional($('#address-detail').value),
        location: { lat: numberOrNull(lat), lng: numberOrNull(lng) },
      },
    },
    needs: {
      diets: [...form.querySelectorAll('input[name="needs.diets"]:checked')].map((c) => c.value),
      // Left out when empty: the server has a default.
      maxDistanceMetres: maxDistance ?? undefined,
    },
  };
}

/** Qixia has a street list; the other districts get a free-text street. */
function syncStreetInputs() {
  const isQixia = district.value === QIXIA;
  streetSelect.hidden = !isQixia;
  streetSelect.disabled = !isQixia;
  streetText.hidden = isQixia;
  streetText.disabled = isQixia;
  $('#street-label').htmlFor = isQixia ? 'street-select' : 'street-text';
}

/** Put the centre of the chosen street (Qixia) or district (elsewhere) into lat/lng. */
function fillLocationFrom(option) {
  if (!option?.dataset.lat) return;
  lat.value = option.dataset.lat;
  lng.value = option.dataset.lng;
  clearIssues(lat.closest('.field'));
  clearIssues(lng.closest('.field'));
}

district.addEventListener('change', () => {
  syncStreetInputs();
  fillLocationFrom(district.value === QIXIA ? streetSelect.selectedOptions[0] : district.selectedOptions[0]);
});
streetSelect.addEventListener('change', () => fillLocationFrom(streetSelect.selectedOptions[0]));

$('#locate').addEventListener('click', () => {
  const status = $('#locate-status');
  const button = $('#locate');
  if (!navigator.geolocation) {
    replaceChildren(status, bi('此浏览器无法定位，请手动填写。', 'Location is not available in this browser; please type it in.'));
    return;
  }
  button.disabled = true;
  replaceChildren(status, bi('正在定位…', 'Finding your location…'));
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      button.disabled = false;
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      const acc = Math.round(pos.coords.accuracy);
      replaceChildren(status, bi(`已填入当前位置（误差约 ${acc} 米）。`, `Filled in your location (within about ${acc} m).`));
    },
    (err) => {
      button.disabled = false;
      const why =
        err.code === err.PERMISSION_DENIED
          ? ['您没有允许定位。', 'Location permission was refused.']
          : err.code === err.TIMEOUT
            ? ['定位超时。', 'Finding the location took too long.']
            : ['暂时无法定位。', 'The location is not available now.'];
      replaceChildren(status, bi(`${why[0]}请手动填写或选择街道。`, `${why[1]} Type it in or choose a street.`));
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
});

$('#reset').addEventListener('click', () => {
  form.reset();
  syncStreetInputs();
  clearIssues(form);
  replaceChildren(formErrors);
  replaceChildren($('#locate-status'));
  pendingSubmission = null;
});

// Editing a field clears its error marks.
form.addEventListener('input', (event) => clearIssues(event.target.closest('[data-path]')));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearIssues(form);
  replaceChildren(formErrors);

  const body = buildBody();
  const bodyJson = JSON.stringify(body);
  const key = idempotencyKeyFor(bodyJson);

  submitButton.disabled = true;
  form.setAttribute('aria-busy', 'true');
  const originalLabel = [...submitButton.childNodes];
  replaceChildren(submitButton, bi('正在提交…', 'Submitting…'));
  try {
    const created = await api.post('/applications', body, { headers: { 'Idempotency-Key': key } });
    pendingSubmission = null;
    toast(['申请已提交，正在处理。', 'Application submitted; it is being processed.']);
    myApps.reload({ quiet: true });
    location.hash = `app=${encodeURIComponent(created.id)}`;
  } catch (err) {
    // A 422 means the key was used with another body: the next attempt needs a new key.
    if (err.status === 422) pendingSubmission = null;
    showIssues(err);
  } finally {
    submitButton.disabled = false;
    form.removeAttribute('aria-busy');
    replaceChildren(submitButton, originalLabel);
  }
});

// ---------------------------------------------------------------------------------------------
// Field errors from `issues: [{path, message}]`
// ---------------------------------------------------------------------------------------------

/** The closest element for a dotted path: `needs.diets.1` → `needs.diets`, etc. */
function fieldForPath(path) {
  const parts = String(Array.isArray(path) ? path.join('.') : (path ?? '')).split('.').filter(Boolean);
  while (parts.length) {
    const el = form.querySelector(`[data-path="${CSS.escape(parts.join('.'))}"]`);
    if (el) return el;
    parts.pop();
  }
  return null;
}

let errorCounter = 0;

/** Mark the fields named by an error's issues and put a summary (with links) above the form. */
function showIssues(err) {
  const summaryItems = [];
  for (const issue of err.issues ?? []) {
    const field = fieldForPath(issue.path);
    const message = issue.message ?? '';
    if (!field) {
      summaryItems.push(h('li', {}, h('code', {}, String(issue.path ?? '')), ' ', message));
      continue;
    }
    const errorId = `field-error-${++errorCounter}`;
    field.classList.add('invalid');
    field.append(h('p', { class: 'field-error', id: errorId }, h('span', { 'aria-hidden': 'true' }, '⚠ '), message));
    for (const input of field.querySelectorAll('input, select, textarea')) {
      if (input.disabled) continue;
      input.setAttribute('aria-invalid', 'true');
      // Remember the field's own description (its hint) once, to restore it when the error goes.
      if (input.dataset.describedby === undefined) input.dataset.describedby = input.getAttribute('aria-describedby') ?? '';
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${errorId}`.trim());
    }
    const target = field.querySelector('input:not([disabled]), select:not([disabled]), textarea');
    const name = field.querySelector('label, legend')?.textContent.trim().replace(/\s*\*$/, '') ?? issue.path;
    summaryItems.push(
      h(
        'li',
        {},
        h(
          'a',
          {
            href: `#${target?.id ?? ''}`,
            onclick: (e) => {
              e.preventDefault();
              target?.focus();
            },
          },
          name,
        ),
        `：${message}`,
      ),
    );
  }
  replaceChildren(
    formErrors,
    errorBox(err, { titleZh: '提交未成功', titleEn: 'The application was not sent', withIssues: false }),
    summaryItems.length
      ? h('div', { class: 'alert alert-error' }, h('p', {}, bi('请修改以下内容：', 'Please correct:')), h('ul', {}, summaryItems))
      : null,
  );
  formErrors.focus();
}

/** Remove error marks inside `root` (a field, or the whole form). */
function clearIssues(root) {
  if (!root) return;
  const fields = root.matches?.('[data-path]') ? [root] : [...root.querySelectorAll('[data-path].invalid')];
  for (const field of fields) {
    if (!field.classList.contains('invalid')) continue;
    field.classList.remove('invalid');
    for (const p of field.querySelectorAll(':scope > .field-error')) p.remove();
    for (const input of field.querySelectorAll('[aria-invalid]')) {
      input.removeAttribute('aria-invalid');
      const original = input.dataset.describedby;
      if (original) input.setAttribute('aria-describedby', original);
      else input.removeAttribute('aria-describedby');
      delete input.dataset.describedby;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One application: rendering
// ---------------------------------------------------------------------------------------------

function card(titleZh, titleEn, ...content) {
  return h('section', { class: 'card' }, h('h2', {}, bi(titleZh, titleEn)), ...content);
}

function renderApplication(app) {
  const status = app.status;
  const next = NEXT_STEP[status];
  const subject = app.subject ?? {};
  const address = subject.address ?? {};
  const districtName = DISTRICTS[address.district];

  return [
    h(
      'section',
      { class: 'card card-status' },
      h('p', { class: 'status-line' }, badge(APPLICATION_STATUS, status)),
      next ? h('p', { class: 'next-step' }, bi(next[0], next[1])) : null,
      defList([
        ['服务类型', 'Service', label(APPLICATION_TYPES, app.type)],
        ['申请编号', 'Application ID', h('code', {}, app.id)],
        ['提交时间', 'Submitted', timeEl(app.createdAt)],
        ['最后更新', 'Last updated', app.updatedAt ? timeEl(app.updatedAt) : null],
      ]),
      TERMINAL_APPLICATION_STATUSES.has(status)
        ? null
        : h(
            'div',
            { class: 'actions' },
            h(
              'button',
              { type: 'button', id: 'cancel-app', class: 'btn btn-danger', onclick: () => cancelApplication(app.id) },
              bi('撤销申请', 'Cancel application'),
            ),
          ),
    ),
    app.assignment ? renderAssignment(app.assignment) : null,
    app.subsidy ? renderSubsidy(app.subsidy) : null,
    app.eligibility ? renderEligibility(app.eligibility) : null,
    card(
      '老人信息',
      'The older person',
      defList([
        ['姓名', 'Name', subject.name],
        ['身份证号', 'ID number', subject.idNumberMasked ? h('code', {}, subject.idNumberMasked) : null],
        ['年龄', 'Age', typeof subject.age === 'number' ? `${subject.age} 岁 ${subject.age} years` : null],
        [
          '地址',
          'Address',
          [districtName ? `${districtName.zh} ${districtName.en}` : address.district, address.street, address.detail]
            .filter(Boolean)
            .join(' · '),
        ],
        [
          '位置',
          'Location',
          address.location ? `${address.location.lat}, ${address.location.lng}` : null,
        ],
        [
          '饮食要求',
          'Diets',
          app.needs?.diets?.length ? h('span', { class: 'tags' }, app.needs.diets.map((d) => h('span', { class: 'tag' }, label(DIETS, d)))) : null,
        ],
        [
          '最远距离',
          'Furthest distance',
          typeof app.needs?.maxDistanceMetres === 'number' ? formatDistance(app.needs.maxDistanceMetres) : null,
        ],
      ]),
    ),
    renderHistory(app.history),
  ];
}

function renderAssignment(a) {
  return card(
    '助餐点',
    'Meal point',
    h('p', { class: 'provider-name' }, a.providerName ?? a.providerId ?? '—'),
    defList([
      ['派单状态', 'Offer status', badge(ASSIGNMENT_STATUS, a.status)],
      ['距离', 'Distance', typeof a.distanceMetres === 'number' ? formatDistance(a.distanceMetres) : null],
      [
        '确认截止',
        'Offer deadline',
        a.status === 'OFFERED' && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null,
      ],
    ]),
  );
}

function renderSubsidy(s) {
  return card(
    '助餐补贴',
    'Meal subsidy',
    defList([
      ['补贴标准', 'Amount', formatSubsidy(s.amount, s.currency, s.unit ?? 'meal')],
      ['审批状态', 'Status', badge(SUBSIDY_STATUS, s.status)],
    ]),
  );
}

function renderEligibility(e) {
  return card(
    '资格审核',
    'Eligibility',
    h(
      'p',
      {},
      e.eligible
        ? h('span', { class: 'badge badge-ok' }, bi('符合条件', 'Eligible'))
        : h('span', { class: 'badge badge-bad' }, bi('不符合条件', 'Not eligible')),
    ),
    reasonsList(e.reasons),
    e.policyVersion ? h('p', { class: 'meta' }, '政策版本 Policy version: ', h('code', {}, e.policyVersion)) : null,
  );
}

function renderHistory(history) {
  if (!Array.isArray(history) || !history.length) return null;
  const sorted = [...history].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return card(
    '办理记录',
    'History',
    h(
      'ol',
      { class: 'timeline' },
      sorted.map((entry) =>
        h(
          'li',
          {},
          h('p', { class: 'timeline-when' }, timeEl(entry.at), ' ', entry.status ? badge(APPLICATION_STATUS, entry.status) : null),
          entry.noteZh || entry.note
            ? h('p', {}, h('span', { lang: 'zh-CN' }, entry.noteZh ?? ''), ' ', h('span', { lang: 'en', class: 'en' }, entry.note ?? ''))
            : null,
        ),
      ),
    ),
  );
}

async function cancelApplication(id) {
  const ok = await askDialog({
    input: false,
    titleZh: '撤销这份申请？',
    titleEn: 'Cancel this application?',
    textZh: '撤销后，已为老人预留的名额会被释放。如需要，可以重新申请。',
    textEn: 'Any place held for your relative is released. You can apply again later.',
    confirmZh: '确认撤销',
    confirmEn: 'Yes, cancel',
    danger: true,
  });
  if (!ok) return;
  try {
    await api.post(`/applications/${encodeURIComponent(id)}/cancel`, {});
    toast(['申请已撤销。', 'The application was cancelled.']);
  } catch (err) {
    toast(errorBox(err, { titleZh: '撤销未成功', titleEn: 'Could not cancel' }), 'error');
  }
  refreshNow(id);
}

// ---------------------------------------------------------------------------------------------
// One application: polling
// ---------------------------------------------------------------------------------------------

// Polls one id at a time; a setTimeout chain (not setInterval) so calls never overlap. `gen`
// changes whenever polling starts or stops, so a call still in flight for an older run is ignored.
const poller = { id: null, gen: 0, timer: 0, inFlight: false, again: false, lastJson: '', lastStatus: null };

function startPolling(id) {
  stopPolling();
  Object.assign(poller, { id, lastJson: '', lastStatus: null, inFlight: false, again: false });
  replaceChildren(detail, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  replaceChildren(detailError);
  replaceChildren(pollStatus);
  tick(poller.gen);
}

function stopPolling() {
  clearTimeout(poller.timer);
  poller.gen++;
  poller.id = null;
}

/** Fetch now (after an action) instead of waiting for the next tick. */
function refreshNow(id) {
  if (poller.id !== id) return;
  if (poller.inFlight) poller.again = true;
  else {
    clearTimeout(poller.timer);
    tick(poller.gen);
  }
}

function schedule(gen, delay = POLL_MS) {
  clearTimeout(poller.timer);
  poller.timer = setTimeout(() => tick(gen), delay);
}

async function tick(gen) {
  if (gen !== poller.gen) return;
  const id = poller.id;
  // Hidden tab: skip the call but keep the loop alive, so it resumes when shown.
  if (document.hidden) return schedule(gen);
  poller.inFlight = true;
  try {
    const app = await api.get(`/applications/${encodeURIComponent(id)}`);
    if (gen !== poller.gen) return;
    replaceChildren(detailError);
    const json = JSON.stringify(app);
    if (json !== poller.lastJson) {
      poller.lastJson = json;
      renderKeepingFocus(app);
      if (poller.lastStatus && poller.lastStatus !== app.status) {
        const s = APPLICATION_STATUS[app.status];
        announce(`状态更新：${s?.zh ?? app.status}。Status: ${s?.en ?? app.status}.`);
        myApps.reload({ quiet: true });
      }
      poller.lastStatus = app.status;
    }
    if (TERMINAL_APPLICATION_STATUSES.has(app.status)) {
      replaceChildren(pollStatus, bi('已是最终状态，不再自动刷新。', 'This is the final status; no more automatic updates.'));
      stopPolling();
      return;
    }
    replaceChildren(pollStatus, bi('每 1.5 秒自动更新。', 'Updates automatically every 1.5 seconds.'));
  } catch (err) {
    if (gen !== poller.gen) return;
    replaceChildren(detailError, errorBox(err, { titleZh: '无法获取申请', titleEn: 'Could not load the application' }));
    // Not found / not yours / not signed in will not fix themselves: stop. Others are retried.
    if ([401, 403, 404].includes(err.status)) {
      replaceChildren(detail);
      replaceChildren(pollStatus);
      stopPolling();
      return;
    }
    replaceChildren(pollStatus, bi('连接有问题，正在重试…', 'Connection problem, retrying…'));
  } finally {
    if (gen === poller.gen) poller.inFlight = false;
  }
  const delay = poller.again ? 0 : POLL_MS;
  poller.again = false;
  schedule(gen, delay);
}

/** Re-render the application; put focus back on the same control if it still exists. */
function renderKeepingFocus(app) {
  const focusedId = detail.contains(document.activeElement) ? document.activeElement.id : '';
  replaceChildren(detail, renderApplication(app));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

// ---------------------------------------------------------------------------------------------
// "My applications" and routing
// ---------------------------------------------------------------------------------------------

function currentAppId() {
  return new URLSearchParams(location.hash.slice(1)).get('app');
}

const myApps = pagedList({
  api,
  path: '/applications',
  list: $('#my-apps-list'),
  more: $('#my-apps-more'),
  status: $('#my-apps-status'),
  emptyZh: '还没有申请。',
  emptyEn: 'No applications yet.',
  renderItem: (item) =>
    h(
      'li',
      {},
      h(
        'a',
        {
          href: `#app=${encodeURIComponent(item.id)}`,
          class: 'app-link',
          'aria-current': item.id === currentAppId() ? 'true' : undefined,
          dataset: { id: item.id },
        },
        h('span', { class: 'app-link-name' }, item.subject?.name ?? '—'),
        h('span', { class: 'app-link-type' }, label(APPLICATION_TYPES, item.type)),
        badge(APPLICATION_STATUS, item.status),
        h('span', { class: 'meta' }, timeEl(item.createdAt)),
      ),
    ),
});
$('#my-apps-refresh').addEventListener('click', () => myApps.reload());

function route() {
  const id = currentAppId();
  for (const link of document.querySelectorAll('#my-apps-list a[data-id]')) {
    if (link.dataset.id === id) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
  if (id) {
    formView.hidden = true;
    detailView.hidden = false;
    if (poller.id !== id) startPolling(id);
    $('#detail-title').focus();
  } else {
    stopPolling();
    detailView.hidden = true;
    formView.hidden = false;
  }
}

window.addEventListener('hashchange', route);

async function start() {
  showIdentity(api.claims);
  syncStreetInputs();
  startCountdowns();
  try {
    await api.getToken();
  } catch (err) {
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '演示登录失败', titleEn: 'Demo sign-in failed' }));
    return;
  }
  route();
  myApps.reload();
}

start();
