// index.html: a family applies for care for a parent (a meal place, home visits… whichever
// programmes GET /programmes says are open) and follows the application. Two views switched by the
// URL hash: the form (no hash) and one application (#app=<id>, polled every 1.5 s until it reaches
// a final status). "My applications" is always shown.
//
// `?role=grid` is a grid worker (网格员) filing for a resident of their own street: the street is
// fixed to theirs (`?district=` / `?street=` pick another grid worker), and the list shows what they filed.
//
// Nothing about a programme is written here: its name, its needs fields, its units and labels all
// come from GET /programmes, so a new programme needs no change to this page.

import {
  announce,
  askDialog,
  badge,
  bi,
  countdownEl,
  createApi,
  defList,
  errorBox,
  fillFromGeolocation,
  formatDistance,
  formatNumber,
  formatSubsidy,
  h,
  label,
  loadVocabulary,
  needsField,
  needsRows,
  optionLabel,
  pagedList,
  pageParams,
  reasonsList,
  recordsVisits,
  replaceChildren,
  showIdentity,
  startCountdowns,
  timeEl,
  toast,
  uuid,
  vocab,
} from './api.js';

const POLL_MS = 1500;

const params = pageParams();
const isGrid = params.get('role') === 'grid';
// `?sub=xyz` acts as another family (each keeps its own token in sessionStorage).
const claims = isGrid
  ? {
      role: 'grid',
      sub: params.get('sub') || 'demo-grid',
      district: params.get('district') || '320113',
      street: params.get('street') || '仙林街道',
    }
  : { role: 'family', sub: params.get('sub') || 'demo-family' };
const api = createApi(claims);

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
const programmeChoices = $('#programme-choices');
const needsBox = $('#needs-fields');

/** The provider noun of a programme ("助餐点 meal point", "服务机构 organisation"). */
function noun(programme) {
  return programme?.providerNoun ?? { zh: '服务机构', en: 'provider' };
}

// A line under the status badge saying what happens next, in plain words.
function nextStep(status, programme) {
  const n = noun(programme);
  const steps = {
    SUBMITTED: ['申请已收到，正在审核资格。', 'We have your application and are checking eligibility.'],
    AWAITING_APPROVAL: ['资格已通过，补贴正等待区民政工作人员审批。', 'Eligible; the subsidy is waiting for staff approval.'],
    MATCHING: [`正在为老人寻找合适的${n.zh}。`, `Looking for a suitable ${n.en}.`],
    OFFERED: [`已为老人推荐${n.zh}，等待${n.zh}确认接单。`, `A ${n.en} has been offered the resident and is confirming.`],
    ACTIVE: [`${n.zh}已确认，服务可以开始了。`, `The ${n.en} has confirmed: the service can start.`],
    COMPLETED: ['服务已完成。', 'The service is complete.'],
    WAITLISTED: ['附近暂时没有空余名额，已排队，有名额时会自动安排。', 'Nothing free nearby now; queued and will be matched when something frees up.'],
    INELIGIBLE: ['不符合申请条件，原因见下方。', 'Not eligible; see the reasons below.'],
    REJECTED: ['补贴申请未获批准。', 'The subsidy was not approved.'],
    CANCELLED: ['申请已撤销。', 'The application was cancelled.'],
  };
  return steps[status];
}

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

function selectedProgramme() {
  const checked = programmeChoices.querySelector('input[name="type"]:checked');
  return checked ? vocab.byType.get(checked.value) : undefined;
}

/** The street: from the list when the district has one, otherwise typed in. */
function districtHasStreets() {
  return (vocab.districts[district.value]?.streets ?? []).length > 0;
}

function buildBody() {
  const programme = selectedProgramme();
  return {
    type: programme?.type,
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
        street: districtHasStreets() ? streetSelect.value : streetText.value.trim(),
        detail: optional($('#address-detail').value),
        location: { lat: numberOrNull(lat), lng: numberOrNull(lng) },
      },
    },
    needs: buildNeeds(programme),
  };
}

/** needs from the rendered needsFields; empty optional fields are left out (the server has defaults). */
function buildNeeds(programme) {
  const needs = {};
  for (const field of programme?.needsFields ?? []) {
    const name = `needs.${field.name}`;
    if (field.kind === 'multi') {
      needs[field.name] = [...needsBox.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map(
        (c) => field.options[Number(c.dataset.index)].value,
      );
    } else if (field.kind === 'choice') {
      const select = needsBox.querySelector(`select[name="${CSS.escape(name)}"]`);
      // Nothing chosen: left out, so the server names the missing field beside it.
      if (select && select.value !== '') needs[field.name] = field.options[Number(select.value)].value;
    } else if (field.kind === 'integer') {
      const input = needsBox.querySelector(`input[name="${CSS.escape(name)}"]`);
      const value = input ? numberOrNull(input) : null;
      if (value !== null) needs[field.name] = value;
    }
  }
  return needs;
}

// ---------------------------------------------------------------------------------------------
// Building the form from GET /programmes
// ---------------------------------------------------------------------------------------------

let fieldCounter = 0;

/** One radio per programme, Chinese first; closed programmes are listed but cannot be chosen. */
function renderProgrammeChoices() {
  const firstOpen = vocab.programmes.find((p) => p.open);
  const wanted = vocab.byType.get(params.get('type') ?? '');
  const initial = wanted?.open ? wanted : firstOpen;
  replaceChildren(
    programmeChoices,
    vocab.programmes.map((p) => {
      const id = `programme-${++fieldCounter}`;
      return h(
        'label',
        { class: `check programme-choice${p.open ? '' : ' closed'}`, for: id },
        h('input', {
          type: 'radio',
          id,
          name: 'type',
          value: p.type,
          checked: p === initial,
          disabled: !p.open,
          'aria-describedby': p.open ? undefined : `${id}-closed`,
        }),
        ' ',
        h('span', { lang: 'zh-CN' }, p.nameZh),
        ' ',
        h('span', { lang: 'en', class: 'en' }, p.name),
        p.open ? null : h('span', { class: 'badge badge-muted', id: `${id}-closed` }, bi('暂未开放', 'Not open yet')),
      );
    }),
  );
  if (!firstOpen) {
    replaceChildren(formErrors, h('p', { class: 'alert alert-info' }, bi('目前没有开放申请的服务。', 'No programme is open for applications now.')));
    submitButton.disabled = true;
  }
}

/** The needs section for the chosen programme: multi → checkboxes, choice → select, integer → number. */
function renderNeeds() {
  const programme = selectedProgramme();
  const fields = programme?.needsFields ?? [];
  replaceChildren(
    $('#needs-legend'),
    programme ? bi(`${programme.nameZh} · 服务需求`, `${programme.name}: needs`) : bi('服务需求', 'Needs'),
  );
  $('#needs-fieldset').hidden = !fields.length;
  replaceChildren(needsBox, fields.map(renderNeedsField));
}

function renderNeedsField(field) {
  const name = `needs.${field.name}`;
  const id = `need-${++fieldCounter}`;
  const required = field.kind === 'multi' ? (field.min ?? 0) > 0 : !field.optional;
  const req = required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
  if (field.kind === 'multi') {
    const min = field.min ?? 0;
    const hint = min > 0 ? bi(`至少选 ${min} 项`, `Choose at least ${min}`) : bi('可多选，也可不选', 'Choose any, or none');
    return h(
      'div',
      { class: 'field', dataset: { path: name } },
      h(
        'fieldset',
        { class: 'checks', 'aria-describedby': `${id}-hint` },
        h('legend', {}, bi(field.label.zh, field.label.en), req),
        h('p', { class: 'hint', id: `${id}-hint` }, hint),
        field.options.map((o, i) =>
          h(
            'label',
            { class: 'check' },
            // The example form ticks the first option where one is required.
            h('input', { type: 'checkbox', name, value: String(o.value), dataset: { index: String(i) }, checked: min > 0 && i === 0 }),
            ' ',
            bi(o.label.zh, o.label.en),
          ),
        ),
      ),
    );
  }
  if (field.kind === 'choice') {
    const defaultIndex = field.options.findIndex((o) => o.value === field.default);
    return h(
      'div',
      { class: 'field', dataset: { path: name } },
      h('label', { for: id }, bi(field.label.zh, field.label.en), req),
      h(
        'select',
        { id, name, required },
        defaultIndex < 0 ? h('option', { value: '', selected: true }, '请选择 Please choose') : null,
        field.options.map((o, i) =>
          h('option', { value: String(i), selected: i === defaultIndex, dataset: { value: String(o.value) } }, `${o.label.zh} ${o.label.en}`),
        ),
      ),
    );
  }
  // integer
  const unit = field.unit ? `（${field.unit.zh}）` : '';
  const unitEn = field.unit ? ` (${field.unit.en})` : '';
  return h(
    'div',
    { class: 'field', dataset: { path: name } },
    h(
      'label',
      { for: id },
      bi(`${field.label.zh}${unit}${field.optional ? '（选填）' : ''}`, `${field.label.en}${unitEn}${field.optional ? ' (optional)' : ''}`),
      req,
    ),
    h('input', {
      id,
      name,
      type: 'number',
      inputmode: 'numeric',
      step: 1,
      min: field.min,
      max: field.max,
      required,
      'aria-describedby': `${id}-hint`,
    }),
    h(
      'p',
      { class: 'hint', id: `${id}-hint` },
      typeof field.min === 'number' && typeof field.max === 'number'
        ? bi(`${field.min}–${field.max}${field.unit?.zh ?? ''}${field.optional ? '，不填则按默认' : ''}`, `${field.min}–${field.max} ${field.unit?.en ?? ''}${field.optional ? '; leave empty for the default' : ''}`)
        : null,
    ),
  );
}

function renderRelationships() {
  const select = $('#applicant-relationship');
  replaceChildren(
    select,
    Object.entries(vocab.relationships).map(([code, r]) => h('option', { value: code }, `${r.zh} ${r.en}`)),
  );
  // The example: a son or daughter applying (the first one otherwise).
  if (vocab.relationships.child) select.value = 'child';
}

/** Districts (and, where the API lists them, streets with their centres). */
function renderDistricts() {
  replaceChildren(
    district,
    vocab.districtList.map((d) => h('option', { value: d.code }, `${d.zh} ${d.en}`)),
  );
  district.value = claims.district ?? vocab.districtList.find((d) => d.streets?.length)?.code ?? vocab.districtList[0]?.code ?? '';
  renderStreets();
}

function renderStreets() {
  const streets = vocab.districts[district.value]?.streets ?? [];
  replaceChildren(
    streetSelect,
    streets.map((st) =>
      h('option', { value: st.name, dataset: { lat: String(st.location?.lat ?? ''), lng: String(st.location?.lng ?? '') } }, `${st.name} ${st.nameEn ?? ''}`),
    ),
  );
  if (claims.street) streetSelect.value = claims.street;
  syncStreetInputs();
}

/** A grid worker files for residents of their own street only: district and street are fixed. */
function applyGridMode() {
  if (!isGrid) return;
  document.title = '惠民 · 网格员代办 Huimin · Filing for a resident';
  replaceChildren($('#form-title'), bi('网格员代办', 'Filing for a resident'));
  $('#form-title').after(
    h(
      'p',
      { class: 'alert alert-info', id: 'grid-banner' },
      bi(
        `您是${claims.street}网格员，可为本街道居民代为申请；申请人请填写老人的家属。`,
        `You are the grid worker for ${claims.street}: you can apply for residents of your street. Name the resident's family as the applicant.`,
      ),
    ),
  );
  district.disabled = true;
  streetSelect.disabled = true;
  replaceChildren($('#my-apps-title'), bi('我代办的申请', 'Applications I filed'));
}

/** Streets from the list when the district has them; otherwise a free-text street. */
function syncStreetInputs() {
  const listed = districtHasStreets();
  streetSelect.hidden = !listed;
  streetSelect.disabled = !listed || isGrid;
  streetText.hidden = listed;
  streetText.disabled = listed;
  $('#street-label').htmlFor = listed ? 'street-select' : 'street-text';
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
  renderStreets();
  fillLocationFrom(streetSelect.selectedOptions[0]);
});
programmeChoices.addEventListener('change', () => {
  clearIssues(form);
  renderNeeds();
});
streetSelect.addEventListener('change', () => fillLocationFrom(streetSelect.selectedOptions[0]));

$('#locate').addEventListener('click', () =>
  fillFromGeolocation({ button: $('#locate'), status: $('#locate-status'), lat, lng, fallback: ['请手动填写或选择街道。', 'Type it in or choose a street.'] }),
);

$('#reset').addEventListener('click', () => {
  form.reset();
  renderProgrammeChoices();
  renderNeeds();
  renderRelationships();
  renderDistricts();
  fillLocationFrom(streetSelect.selectedOptions[0]);
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
    err.existingId
      ? h(
          'p',
          { class: 'alert alert-info' },
          h('a', { href: `#app=${encodeURIComponent(err.existingId)}`, id: 'existing-app' }, bi('查看办理中的申请', 'See the open application')),
        )
      : null,
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

/** `visits`: the recorded visits of the application's assignment (null when it has none). */
function renderApplication(app, visits) {
  const status = app.status;
  const programme = vocab.byType.get(app.type);
  const next = nextStep(status, programme);
  const subject = app.subject ?? {};
  const address = subject.address ?? {};
  const districtName = vocab.districts[address.district];

  return [
    h(
      'section',
      { class: 'card card-status' },
      h('p', { class: 'status-line' }, badge(vocab.applicationStatus, status)),
      next ? h('p', { class: 'next-step' }, bi(next[0], next[1])) : null,
      defList([
        ['服务类型', 'Service', label(vocab.applicationTypes, app.type)],
        ['申请编号', 'Application ID', h('code', {}, app.id)],
        ['提交时间', 'Submitted', timeEl(app.createdAt)],
        ['代办网格员', 'Filed by grid worker', app.filedBy ? filedBy(app.filedBy) : null],
        ['最后更新', 'Last updated', app.updatedAt ? timeEl(app.updatedAt) : null],
      ]),
      vocab.terminal.has(status)
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
    app.entitlement ? renderEntitlement(app.entitlement) : null,
    app.assignment ? renderAssignment(app.assignment, programme) : null,
    visits ? renderVisits(visits, programme) : null,
    app.subsidy ? renderSubsidy(app.subsidy, programme) : null,
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
        ['位置', 'Location', address.location ? `${address.location.lat}, ${address.location.lng}` : null],
        ...needsRows(programme, app.needs),
      ]),
    ),
    renderHistory(app.history),
  ];
}

function filedBy(f) {
  if (typeof f !== 'object' || f === null) return String(f);
  return [f.sub ?? f.name, f.street].filter(Boolean).join(' · ') || JSON.stringify(f);
}

/** Monthly hours and what this month has used: 每月 14 小时 · 本月已用 1 小时. */
function renderEntitlement(e) {
  const total = e.hoursPerMonth;
  const used = e.usedThisMonth ?? 0;
  const left = typeof total === 'number' ? Math.max(0, total - used) : undefined;
  return card(
    '服务时长',
    'Hours',
    h(
      'p',
      { class: 'entitlement', id: 'entitlement' },
      h('span', { lang: 'zh-CN' }, `每月 ${formatNumber(total)} 小时 · 本月已用 ${formatNumber(used)} 小时`),
      ' ',
      h('span', { lang: 'en', class: 'en' }, `${formatNumber(total)} hours a month · ${formatNumber(used)} used this month`),
    ),
    defList([
      ['月份', 'Month', e.month],
      ['本月剩余', 'Left this month', left === undefined ? null : `${formatNumber(left)} 小时 ${formatNumber(left)} hours`],
    ]),
  );
}

/** The visits recorded so far; their services are labelled by the programme's needs field of that name. */
function renderVisits(visits, programme) {
  const services = needsField(programme, 'services');
  return card(
    '上门服务记录',
    'Visits recorded',
    visits.length
      ? h(
          'ul',
          { class: 'item-list visit-list', id: 'visit-list' },
          visits.map((v) =>
            h(
              'li',
              {},
              h('p', { class: 'item-title' }, timeEl(v.startedAt), ' – ', timeEl(v.endedAt)),
              defList([
                ['时长', 'Length', `${formatNumber(v.minutes / 60)} 小时 ${formatNumber(v.minutes / 60)} h (${v.minutes} min)`],
                [
                  services?.label.zh ?? '服务',
                  services?.label.en ?? 'Services',
                  Array.isArray(v.services)
                    ? h('span', { class: 'tags' }, v.services.map((x) => h('span', { class: 'tag' }, optionLabel(services, x))))
                    : null,
                ],
              ]),
            ),
          ),
        )
      : h('p', { class: 'empty' }, bi('还没有服务记录。', 'No visits recorded yet.')),
  );
}

function renderAssignment(a, programme) {
  const n = noun(programme);
  return card(
    n.zh,
    n.en.charAt(0).toUpperCase() + n.en.slice(1),
    h('p', { class: 'provider-name' }, a.providerName ?? a.providerId ?? '—'),
    defList([
      ['派单状态', 'Offer status', badge(vocab.assignmentStatus, a.status)],
      ['距离', 'Distance', typeof a.distanceMetres === 'number' ? formatDistance(a.distanceMetres) : null],
      [
        '确认截止',
        'Offer deadline',
        a.status === 'OFFERED' && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null,
      ],
    ]),
  );
}

function renderSubsidy(s, programme) {
  return card(
    programme ? `${programme.nameZh}补贴` : '补贴',
    programme ? `${programme.name}: subsidy` : 'Subsidy',
    defList([
      ['补贴标准', 'Amount', formatSubsidy(s.amount, s.currency, s.unit ?? programme?.subsidyUnit?.code)],
      ['审批状态', 'Status', badge(vocab.subsidyStatus, s.status)],
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
          h('p', { class: 'timeline-when' }, timeEl(entry.at), ' ', entry.status ? badge(vocab.applicationStatus, entry.status) : null),
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
    const visits = await loadVisits(app);
    if (gen !== poller.gen) return;
    replaceChildren(detailError);
    const json = JSON.stringify([app, visits]);
    if (json !== poller.lastJson) {
      poller.lastJson = json;
      renderKeepingFocus(app, visits);
      if (poller.lastStatus && poller.lastStatus !== app.status) {
        const s = vocab.applicationStatus[app.status];
        announce(`状态更新：${s?.zh ?? app.status}。Status: ${s?.en ?? app.status}.`);
        myApps.reload({ quiet: true });
      }
      poller.lastStatus = app.status;
    }
    if (vocab.terminal.has(app.status)) {
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
/**
 * The visits recorded against the application's assignment, for programmes that record visits;
 * null when there are none to show (or they cannot be read now: the application still shows).
 */
async function loadVisits(app) {
  if (!app.assignment?.id || !recordsVisits(vocab.byType.get(app.type))) return null;
  try {
    const page = await api.get(`/assignments/${encodeURIComponent(app.assignment.id)}/visits`);
    const items = Array.isArray(page?.items) ? page.items : [];
    return items.sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  } catch {
    return null;
  }
}

function renderKeepingFocus(app, visits) {
  const focusedId = detail.contains(document.activeElement) ? document.activeElement.id : '';
  replaceChildren(detail, renderApplication(app, visits));
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
        h('span', { class: 'app-link-type' }, label(vocab.applicationTypes, item.type)),
        badge(vocab.applicationStatus, item.status),
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
  startCountdowns();
  try {
    await api.getToken();
  } catch (err) {
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '演示登录失败', titleEn: 'Demo sign-in failed' }));
    return;
  }
  try {
    await loadVocabulary(api);
  } catch (err) {
    replaceChildren($('#signin-status'), errorBox(err, { titleZh: '无法加载服务项目', titleEn: 'Could not load the programmes' }));
    return;
  }
  renderProgrammeChoices();
  renderNeeds();
  renderRelationships();
  renderDistricts();
  applyGridMode();
  fillLocationFrom(streetSelect.selectedOptions[0]);
  form.dataset.ready = 'true';
  route();
  myApps.reload();
}

start();
