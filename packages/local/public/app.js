// index.html: a family applies for care for a parent (a meal place, home visits… whichever
// programmes GET /programmes says are open) and follows the application. Two views switched by the
// URL hash: the form (no hash) and one application (#app=<id>, polled while it may still change:
// every 1.5 s backing off to 15 s, every 30 s in states that wait for days, never once final, and
// not while the tab is hidden). "My applications" is always shown.
//
// Who is signed in comes from the page shell (shell.js): a family, or a grid worker (网格员) filing
// for a resident of their own street (the street is then fixed to theirs, and the list shows what
// they filed). The form opens empty; "填入示例 Fill in an example" fills in an example person.
// The home is placed on a simple offline street map (street-map.js); coordinates are never shown.
//
// Nothing about a programme is written here: its name, its needs fields, its units and labels all
// come from GET /programmes, so a new programme needs no change to this page. A job with steps
// (an application carrying `job`: planned by the provider from a priced catalogue) shows its plan,
// which the family confirms, and how the work and its inspection go.

import {
  announce,
  askDialog,
  badge,
  bi,
  choiceLabel,
  classLabel,
  classText,
  countdownEl,
  currentPosition,
  defList,
  errorBox,
  familyAnswers,
  formatFen,
  formatLottery,
  formatNumber,
  formatSubsidy,
  h,
  isJob,
  issueText,
  JOB_STEPS,
  jobStep,
  label,
  lastFailedInspection,
  loadDirectory,
  loadVocabulary,
  needsField,
  needsRows,
  optionLabel,
  pagedList,
  pageParams,
  placeWord,
  policyText,
  recordsVisits,
  renderInspections,
  renderPlan,
  replaceChildren,
  startCountdowns,
  timeEl,
  toast,
  uuid,
  vocab,
  yuanText,
} from './api.js';
import { startPage } from './shell.js';
import { createStreetMap, metresBetween, nearestStreet } from './street-map.js';

/** Polling: the first delay, the longest while something may happen soon, and in states that wait for days. */
const POLL_FIRST_MS = 1500;
const POLL_MAX_MS = 15_000;
const POLL_SLOW_MS = 30_000;
/** States that wait for days (staff approval, a free place, the service running): polled slowly. */
const SLOW_STATES = new Set(['ACTIVE', 'COMPLETED', 'WAITLISTED', 'AWAITING_APPROVAL']);

const params = pageParams();
// Set by start() from the signed-in session (shell.js).
let api;
let claims = {};
let isGrid = false;

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

/** "nursery" → "nurseries", "meal point" → "meal points". */
function plural(en) {
  return /[^aeiou]y$/.test(en) ? `${en.slice(0, -1)}ies` : `${en}s`;
}

/**
 * Who the application is for, in the form's and the detail view's words: the programme names it
 * (`subjectNoun` in GET /programmes). A programme for older people (its policy's `minAge` 60 or
 * more) titles the form "为家中老人申请".
 */
function subjectNoun(programme) {
  const n = programme?.subjectNoun ?? { zh: '申请对象', en: 'subject' };
  return { ...n, elderly: (programme?.figures?.minAge ?? 0) >= 60 };
}

function subjectWords(programme) {
  const n = subjectNoun(programme);
  return {
    title: n.elderly
      ? ['为家中老人申请惠民服务', 'Apply for care for an older relative']
      : [`申请${programme?.nameZh ?? '惠民服务'}`, `Apply for ${programme ? programme.name.toLowerCase() : 'a service'}`],
    legend: [`${n.zh}信息`, `The ${n.en}`],
    name: [`${n.zh}姓名`, 'Name'],
    phone: [`${n.zh}电话（选填）`, 'Phone (optional)'],
    relationship: [`与${n.zh}的关系`, `Relationship to the ${n.en}`],
  };
}

// A line under the status badge saying what happens next, in plain words. Programmes whose offers
// come from allocation rounds, and whose offers the family answers, say so.
function nextStep(status, programme) {
  const n = noun(programme);
  const who = subjectNoun(programme).zh;
  const rounds = programme?.offersBy === 'rounds';
  const family = familyAnswers(programme);
  const place = placeWord(programme);
  const steps = {
    SUBMITTED: ['申请已收到，正在审核资格。', 'We have your application and are checking eligibility.'],
    AWAITING_APPROVAL: ['资格已通过，补贴正等待区民政工作人员审批。', 'Eligible; the subsidy is waiting for staff approval.'],
    MATCHING: rounds
      ? ['正在统一分配中，请稍候。', 'Being allocated in a district-wide round.']
      : [`正在为${who}寻找合适的${n.zh}。`, `Looking for a suitable ${n.en}.`],
    OFFERED: family
      ? [`已分配到${n.zh}的${place}，请在截止时间前确认接受或放弃。`, `A place at a ${n.en} is offered: take it or leave it before the deadline.`]
      : [`已为${who}推荐${n.zh}，等待${n.zh}确认接单。`, `A ${n.en} has been offered the resident and is confirming.`],
    ACTIVE: family
      ? [`您已接受${place}，请留意${n.zh}的入托通知。`, `You took the place; the ${n.en} will be in touch.`]
      : [`${n.zh}已确认，服务可以开始了。`, `The ${n.en} has confirmed: the service can start.`],
    COMPLETED: ['服务已完成。', 'The service is complete.'],
    WAITLISTED: rounds
      ? ['已登记，等待下一轮统一分配；分配结果会在这里显示。', 'Registered; waiting for the next district-wide allocation round. The result will show here.']
      : ['附近暂时没有空余名额，已排队，有名额时会自动安排。', 'Nothing free nearby now; queued and will be matched when something frees up.'],
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
      relationship: optional($('#applicant-relationship').value),
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
    } else if (field.kind === 'boolean') {
      const input = needsBox.querySelector(`input[name="${CSS.escape(name)}"]`);
      if (input) needs[field.name] = input.checked;
    } else if (field.kind === 'month') {
      const input = needsBox.querySelector(`input[name="${CSS.escape(name)}"]`);
      // Left out when empty, so the server names the missing field beside it.
      if (input?.value) needs[field.name] = input.value;
    } else if (field.kind === 'ranked-providers') {
      needs[field.name] = [...(ranked.get(field.name)?.chosen ?? [])];
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
  ranked.clear();
  replaceChildren(needsBox, fields.map((field) => renderNeedsField(field, programme)));
  applySubjectWords(programme);
}

function renderNeedsField(field, programme) {
  const name = `needs.${field.name}`;
  const id = `need-${++fieldCounter}`;
  const required =
    field.kind === 'multi' || field.kind === 'ranked-providers' ? (field.min ?? 0) > 0 : field.kind !== 'boolean' && !field.optional;
  const req = required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
  if (field.kind === 'ranked-providers') return renderRankedField(field, programme, id, req);
  if (field.kind === 'month') {
    const next = chinaMonth(1);
    return h(
      'div',
      { class: 'field', dataset: { path: name } },
      h('label', { for: id }, bi(field.label.zh, field.label.en), req),
      h('input', {
        id,
        name,
        type: 'month',
        // The example: next month (a start month may not be in the past).
        value: next,
        min: field.min ?? chinaMonth(0),
        max: field.max,
        required,
        'aria-describedby': `${id}-hint`,
      }),
      // Where a browser has no month picker, the input is a text box: say the format.
      h('p', { class: 'hint', id: `${id}-hint` }, bi(`年-月，例如 ${next}`, `Year and month, e.g. ${next}`)),
    );
  }
  if (field.kind === 'boolean') {
    return h(
      'div',
      { class: 'field', dataset: { path: name } },
      h('label', { class: 'check', for: id }, h('input', { type: 'checkbox', id, name }), ' ', bi(field.label.zh, field.label.en)),
    );
  }
  if (field.kind === 'multi') {
    const min = field.min ?? 0;
    // Only a minimum needs saying: checkboxes already say "choose any".
    const hint = min > 0 ? bi(`至少选 ${min} 项`, `Choose at least ${min}`) : null;
    return h(
      'div',
      { class: 'field', dataset: { path: name } },
      h(
        'fieldset',
        { class: 'checks', 'aria-describedby': hint ? `${id}-hint` : undefined },
        h('legend', {}, bi(field.label.zh, field.label.en), req),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
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

/** YYYY-MM of this month in China, moved by `offset` months. */
function chinaMonth(offset = 0) {
  const parts = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric' }).formatToParts(new Date());
  const y = Number(parts.find((p) => p.type === 'year')?.value);
  const m = Number(parts.find((p) => p.type === 'month')?.value);
  const total = y * 12 + (m - 1) + offset;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** The home's position from the form, or null while it is not filled in. */
function homeLocation() {
  const la = numberOrNull(lat);
  const ln = numberOrNull(lng);
  return Number.isFinite(la) && Number.isFinite(ln) ? { lat: la, lng: ln } : null;
}


// ---------------------------------------------------------------------------------------------
// 'ranked-providers' needs: the family ranks providers of the subject's district (nurseries),
// most wanted first, from GET /programmes/{type}/providers
// ---------------------------------------------------------------------------------------------

/** needs field name → { field, programme, chosen: [provider ids], directory, loading, error, box, gen } */
const ranked = new Map();

function renderRankedField(field, programme, id, req) {
  const box = h('div', { class: 'ranked' });
  const state = { field, programme, chosen: [], directory: null, loading: true, error: null, box, gen: 0, dropped: [] };
  ranked.set(field.name, state);
  const min = field.min ?? 1;
  const max = field.max ?? 5;
  const wrapper = h(
    'div',
    { class: 'field ranked-field', dataset: { path: `needs.${field.name}` } },
    h(
      'fieldset',
      { class: 'checks', 'aria-describedby': `${id}-hint` },
      h('legend', {}, bi(field.label.zh, field.label.en), req),
      h(
        'p',
        { class: 'hint', id: `${id}-hint` },
        bi(
          `请选 ${min}–${max} 个，按意向排序：第1志愿是最想去的。分配时先看第1志愿，未录取再看下一个志愿。`,
          `Choose ${min}–${max}, most wanted first. A round tries your 1st choice first, then the next.`,
        ),
      ),
      box,
    ),
  );
  loadRankedDirectory(state);
  return wrapper;
}

/** (Re)load the providers of the district chosen in the form. */
async function loadRankedDirectory(state) {
  const gen = ++state.gen;
  const code = district.value;
  state.loading = true;
  state.error = null;
  drawRanked(state);
  try {
    const items = await loadDirectory(api, state.programme, code);
    if (gen !== state.gen) return;
    state.directory = items;
    // Choices from another district cannot be kept: say which were removed.
    const known = new Set(items.map((p) => p.id));
    state.dropped = state.chosen.filter((pid) => !known.has(pid));
    state.chosen = state.chosen.filter((pid) => known.has(pid));
  } catch (err) {
    if (gen !== state.gen) return;
    state.directory = null;
    state.error = err;
  }
  state.loading = false;
  drawRanked(state);
}

/** Short class labels for compact lists: "托小班（12–24个月）" → "托小班". */
function shortLabel(text) {
  return String(text ?? '').replace(/\s*[（(].*?[）)]\s*$/, '');
}

/** Street, distance from home and declared places per class of one provider. */
function providerFacts(provider, home, programme) {
  if (!provider) return null;
  const metres = home && provider.location ? metresBetween(home, provider.location) : null;
  const distance = metres === null ? null : metres < 1000 ? [`${Math.round(metres)} 米`, `${Math.round(metres)} m`] : [`${(metres / 1000).toFixed(1)} 公里`, `${(metres / 1000).toFixed(1)} km`];
  const classes = Array.isArray(provider.classes) ? provider.classes : [];
  return [
    h(
      'p',
      { class: 'meta' },
      provider.street ?? '',
      distance ? h('span', {}, ' · ', bi(`距家约 ${distance[0]}`, `about ${distance[1]} from home`)) : null,
    ),
    classes.length
      ? h(
          'p',
          { class: 'meta class-places' },
          bi(
            `${placeWord(programme)}：${classes.map((c) => `${shortLabel(c.label?.zh ?? c.code)} ${c.capacity}`).join(' · ')}`,
            `Places: ${classes.map((c) => `${shortLabel(c.label?.en ?? c.code)} ${c.capacity}`).join(' · ')}`,
          ),
        )
      : null,
  ];
}

/** Draw the chosen list and the directory; `focus` {id, action} puts focus back after a change. */
function drawRanked(state, focus) {
  const { field, programme } = state;
  const n = noun(programme);
  const max = field.max ?? 5;
  const home = homeLocation();
  const byId = new Map((state.directory ?? []).map((p) => [p.id, p]));
  const districtName = vocab.districts[district.value];

  const chosen = state.chosen.length
    ? h(
        'ol',
        { class: 'ranked-list', 'aria-label': '已选志愿 Your choices' },
        state.chosen.map((pid, i) => chosenItem(state, pid, i, byId.get(pid), home)),
      )
    : h('p', { class: 'empty ranked-empty' }, bi(`还没有选择${n.zh}，请从下方列表加入。`, `No ${n.en} chosen yet: add from the list below.`));

  let directory;
  if (state.loading) {
    directory = h('p', { class: 'loading' }, bi(`正在加载${n.zh}…`, `Loading the ${plural(n.en)}…`));
  } else if (state.error) {
    directory = [
      familyError(state.error, { titleZh: `无法加载${n.zh}列表`, titleEn: `Could not load the ${plural(n.en)}` }),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => loadRankedDirectory(state) }, bi('重试', 'Try again')),
    ];
  } else if (!state.directory?.length) {
    directory = h('p', { class: 'empty' }, bi(`本区暂无可选的${n.zh}。`, `No ${plural(n.en)} to choose from in this district.`));
  } else {
    const items = [...state.directory];
    if (home) items.sort((a, b) => metresBetween(home, a.location) - metresBetween(home, b.location));
    directory = h(
      'ul',
      { class: 'directory-list' },
      items.map((p) => {
        const rank = state.chosen.indexOf(p.id) + 1;
        const full = !rank && state.chosen.length >= max;
        const add = h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary btn-small',
            disabled: rank > 0 || full,
            dataset: { add: p.id },
            onclick: () => addChoice(state, p.id),
          },
          rank ? bi(`已是第${rank}志愿`, `Your choice ${rank}`) : full ? bi(`已选满 ${max} 个`, `${max} chosen`) : bi('加入志愿', 'Add'),
          h('span', { class: 'visually-hidden' }, ` ${p.name}`),
        );
        return h('li', { class: `directory-item${rank ? ' chosen' : ''}` }, h('div', {}, h('p', { class: 'ranked-name' }, p.name), providerFacts(p, home, programme)), add);
      }),
    );
  }

  replaceChildren(
    state.box,
    h('h3', { class: 'ranked-title' }, bi('已选志愿', 'Your choices'), h('span', { class: 'meta' }, ` ${state.chosen.length}/${max}`)),
    state.dropped.length
      ? h('p', { class: 'alert alert-info' }, bi(`已移除不在所选区的${n.zh}：${state.dropped.length} 个。`, `${state.dropped.length} removed: not in the district chosen.`))
      : null,
    chosen,
    h(
      'h3',
      { class: 'ranked-title' },
      bi(`${districtName?.zh ?? ''}可选${n.zh}`, `${plural(n.en).replace(/^./, (c) => c.toUpperCase())} in ${districtName?.en ?? 'the district'}`),
    ),
    home ? h('p', { class: 'hint' }, bi('按距您家由近到远排列。', 'Nearest to your home first.')) : null,
    directory,
  );

  if (focus) {
    const item = state.box.querySelector(`[data-choice="${CSS.escape(focus.id)}"]`);
    const button = item?.querySelector(`[data-action="${focus.action}"]:not(:disabled)`);
    const add = state.box.querySelector(`[data-add="${CSS.escape(focus.id)}"]:not(:disabled)`);
    (button ?? item ?? add ?? state.box.querySelector('.ranked-list li, .directory-list button:not(:disabled)'))?.focus();
  }
}

function chosenItem(state, pid, i, provider, home) {
  const name = provider?.name ?? pid;
  const last = state.chosen.length - 1;
  const action = (code, zh, en, disabled) =>
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-small', dataset: { action: code }, disabled, onclick: () => moveChoice(state, pid, code) },
      bi(zh, en),
      h('span', { class: 'visually-hidden' }, ` ${name}`),
    );
  return h(
    'li',
    { class: 'ranked-item', tabindex: -1, dataset: { path: `needs.${state.field.name}.${i}`, choice: pid } },
    h('div', {}, h('p', { class: 'ranked-name field-name' }, h('span', { class: 'choice-rank' }, choiceLabel(i + 1)), ' ', name), providerFacts(provider, home, state.programme)),
    h(
      'div',
      { class: 'ranked-actions' },
      action('up', '上移', 'Move up', i === 0),
      action('down', '下移', 'Move down', i === last),
      action('remove', '移除', 'Remove', false),
    ),
  );
}

function providerName(state, pid) {
  return state.directory?.find((p) => p.id === pid)?.name ?? pid;
}

function addChoice(state, pid) {
  if (state.chosen.includes(pid) || state.chosen.length >= (state.field.max ?? 5)) return;
  state.chosen.push(pid);
  state.dropped = [];
  clearIssues(state.box.closest('[data-path]'));
  drawRanked(state, { id: pid, action: 'up' });
  const rank = state.chosen.length;
  announce(`已加入：${providerName(state, pid)}，第${rank}志愿。Added as choice ${rank}.`);
}

function moveChoice(state, pid, code) {
  const i = state.chosen.indexOf(pid);
  if (i < 0) return;
  if (code === 'remove') {
    state.chosen.splice(i, 1);
    const next = state.chosen[i] ?? state.chosen[i - 1];
    drawRanked(state, next ? { id: next, action: 'remove' } : { id: pid, action: 'add' });
    announce(`已移除：${providerName(state, pid)}。Removed.`);
    return;
  }
  const j = code === 'up' ? i - 1 : i + 1;
  if (j < 0 || j >= state.chosen.length) return;
  [state.chosen[i], state.chosen[j]] = [state.chosen[j], state.chosen[i]];
  drawRanked(state, { id: pid, action: code });
  announce(`${providerName(state, pid)}：现在是第${j + 1}志愿。Now choice ${j + 1}.`);
}

/** Redraw the pickers (distances change with the home's position). */
function redrawRanked() {
  for (const state of ranked.values()) drawRanked(state);
}

// ---------------------------------------------------------------------------------------------
// Who the application is for: the form's words and its example person follow the programme
// ---------------------------------------------------------------------------------------------

const subjectName = $('#subject-name');
const subjectId = $('#subject-id');
/** The example an older resident fills in (the contract's example: an 82-year-old woman in Xianlin). */
const ELDER_EXAMPLE = { name: '王秀英', idNumber: '320113194403150426' };
const EXAMPLE_APPLICANT = { name: '王芳', phone: '13912345678', relationship: 'child' };
const EXAMPLE_HOME = { district: '320113', street: '仙林街道' };
/** The example person now in the form (null while the form holds none): swapped with the programme. */
let shownExample = null;

/** A valid 18-character ID number (GB 11643 check character) from its first 17 digits. */
function withCheckCharacter(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/**
 * The example person for a programme: where its policy gives classes by age in months (nurseries),
 * a child in the middle class next month; otherwise an older resident.
 */
function exampleSubject(programme) {
  const classes = (programme?.figures?.ageClasses ?? []).filter((c) => Number.isFinite(c?.fromMonths) && Number.isFinite(c?.toMonths));
  if (!classes.length) return ELDER_EXAMPLE;
  const c = classes[Math.floor(classes.length / 2)];
  const months = Math.floor((c.fromMonths + c.toMonths) / 2);
  // Born on the 1st of the month `months` before next month: `months` old when it starts.
  const born = `${chinaMonth(1 - months).replace('-', '')}01`;
  return { name: '王小米', idNumber: withCheckCharacter(`${ELDER_EXAMPLE.idNumber.slice(0, 6)}${born}002`) };
}

function applySubjectWords(programme) {
  const words = subjectWords(programme);
  if (!isGrid) replaceChildren($('#form-title'), bi(...words.title));
  replaceChildren($('#subject-legend'), bi(...words.legend));
  replaceChildren($('#subject-name-label'), bi(...words.name));
  replaceChildren($('#subject-phone-label'), bi(...words.phone));
  replaceChildren($('#relationship-label'), bi(...words.relationship));
  // Swap the example person only while the user has not typed over it.
  const example = exampleSubject(programme);
  if (shownExample && subjectName.value === shownExample.name && subjectId.value === shownExample.idNumber) {
    subjectName.value = example.name;
    subjectId.value = example.idNumber;
    shownExample = example;
  }
}

/** "填入示例": the example for the programme chosen (applicant, person, street and home on the map). */
function fillExample() {
  clearIssues(form);
  replaceChildren(formErrors);
  $('#applicant-name').value = EXAMPLE_APPLICANT.name;
  $('#applicant-phone').value = EXAMPLE_APPLICANT.phone;
  if (vocab.relationships[EXAMPLE_APPLICANT.relationship]) $('#applicant-relationship').value = EXAMPLE_APPLICANT.relationship;
  const example = exampleSubject(selectedProgramme());
  subjectName.value = example.name;
  subjectId.value = example.idNumber;
  shownExample = example;
  // A grid worker's street is fixed: the example lives there.
  if (!isGrid && vocab.districts[EXAMPLE_HOME.district] && district.value !== EXAMPLE_HOME.district) {
    district.value = EXAMPLE_HOME.district;
    districtChanged();
  }
  if (!isGrid && districtHasStreets() && [...streetSelect.options].some((o) => o.value === EXAMPLE_HOME.street)) {
    streetSelect.value = EXAMPLE_HOME.street;
  }
  streetChanged();
  announce('已填入示例，可直接提交试用。The example is filled in: submit it to try the service.');
}

/** "清空": every field empty again (the programme back to the first open one, its needs to their defaults). */
function clearForm() {
  form.reset();
  shownExample = null;
  renderRelationships();
  renderDistricts();
  renderNeeds();
  clearIssues(form);
  replaceChildren(formErrors);
  replaceChildren($('#locate-status'));
  pendingSubmission = null;
  announce('表格已清空。The form is cleared.');
  $('#applicant-name').focus();
}

function renderRelationships() {
  const select = $('#applicant-relationship');
  replaceChildren(
    select,
    h('option', { value: '' }, '请选择 Please choose'),
    Object.entries(vocab.relationships).map(([code, r]) => h('option', { value: code }, `${r.zh} ${r.en}`)),
  );
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

function districtStreets() {
  return vocab.districts[district.value]?.streets ?? [];
}

function renderStreets() {
  const streets = districtStreets();
  replaceChildren(
    streetSelect,
    h('option', { value: '' }, '请选择街道 Choose a street'),
    streets.map((st) => h('option', { value: st.name }, `${st.name} ${st.nameEn ?? ''}`)),
  );
  if (claims.street) streetSelect.value = claims.street;
  syncStreetInputs();
  streetMap.setStreets(streets);
  streetChanged({ keepPin: false });
}

/** A grid worker files for residents of their own street only: district and street are fixed. */
function applyGridMode() {
  if (!isGrid) return;
  document.title = '网格员代办 Filing for a resident · 惠民 Huimin';
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
  $('#map-hint').hidden = !listed;
}

// ---------------------------------------------------------------------------------------------
// The home on the map: the pin fills the hidden lat/lng; the page says where it is in words
// ---------------------------------------------------------------------------------------------

const placeWords = $('#place-words');
const streetMap = createStreetMap({
  host: $('#street-map'),
  label: '住址地图：点击或用方向键放置家的位置 Map: tap, or use the arrow keys, to place the home',
  describedBy: 'place-words',
  onPin: (point, how) => pinMoved(point, how),
});

function chosenStreet() {
  return districtStreets().find((s) => s.name === streetSelect.value);
}

/** Distance in words: "约 300 米" / "about 300 m", "约 1.2 公里" / "about 1.2 km". */
function distanceWords(metres) {
  if (metres < 1000) {
    const m = metres < 200 ? Math.round(metres / 10) * 10 : Math.round(metres / 50) * 50;
    return [`约 ${m} 米`, `about ${m} m`];
  }
  const km = (metres / 1000).toFixed(1);
  return [`约 ${km} 公里`, `about ${km} km`];
}

/** Say where the home is: "仙林街道，距街道中心约 300 米" (never coordinates). */
function describePlace() {
  const home = homeLocation();
  const street = chosenStreet();
  if (!districtHasStreets()) {
    replaceChildren(
      placeWords,
      home
        ? bi('已使用您当前的位置。', 'Your current location is used.')
        : bi('该区暂无街道地图：请点「使用我的位置」。', 'No street map for this district: use "Use my location".'),
    );
    return;
  }
  if (!street || !home) {
    replaceChildren(placeWords, bi('还没有标出家的位置。', 'The home is not marked yet.'));
    return;
  }
  const metres = metresBetween(street.location, home);
  if (metres < 50) {
    replaceChildren(placeWords, bi(`${street.name}，在街道中心附近`, `${street.nameEn ?? street.name}, near its centre`));
    return;
  }
  const [zh, en] = distanceWords(metres);
  replaceChildren(placeWords, bi(`${street.name}，距街道中心${zh}`, `${street.nameEn ?? street.name}, ${en} from its centre`));
}

function setHome(point) {
  lat.value = point ? String(point.lat) : '';
  lng.value = point ? String(point.lng) : '';
  clearIssues(lat.closest('[data-path]'));
  redrawRanked();
}

/** The street chose: highlight it and put the pin at its centre (unless the pin is already in it). */
function streetChanged({ keepPin = false } = {}) {
  const street = chosenStreet();
  streetMap.setStreet(street?.name ?? '');
  if (!keepPin || !homeLocation()) {
    const centre = street?.location ?? null;
    streetMap.setPin(centre);
    setHome(centre ? streetMap.pin : null);
  }
  clearIssues(streetSelect.closest('[data-path]'));
  describePlace();
}

/** The user moved the pin: the street becomes the one whose centre is nearest. */
function pinMoved(point, how) {
  setHome(point);
  const near = nearestStreet(districtStreets(), point);
  if (near && near.street.name !== streetSelect.value && !isGrid) {
    streetSelect.value = near.street.name;
    streetMap.setStreet(near.street.name);
    clearIssues(streetSelect.closest('[data-path]'));
    if (how === 'click') announce(`街道已改为${near.street.name}。Street changed to ${near.street.nameEn ?? near.street.name}.`);
  }
  describePlace();
}

function districtChanged() {
  renderStreets();
  for (const state of ranked.values()) loadRankedDirectory(state);
}

/** "使用我的位置": the browser's position, if it lies in the district on the map. */
async function useMyLocation() {
  const status = $('#locate-status');
  const point = await currentPosition({ button: $('#locate'), status, fallback: ['请在地图上点出家的位置。', 'Tap the map where the home is.'] });
  if (!point) return;
  if (districtHasStreets() && !streetMap.contains(point)) {
    replaceChildren(status, bi('您现在不在所选的区内，请在地图上点出家的位置。', 'You are not in the district chosen now: tap the map where the home is.'));
    return;
  }
  if (districtHasStreets()) {
    streetMap.setPin(point);
    pinMoved(streetMap.pin, 'click');
  } else {
    setHome({ lat: Math.round(point.lat * 1e6) / 1e6, lng: Math.round(point.lng * 1e6) / 1e6 });
    describePlace();
  }
  replaceChildren(status, bi(`已使用您的当前位置（误差约 ${point.accuracy} 米）。`, `Your location is used (within about ${point.accuracy} m).`));
}

district.addEventListener('change', districtChanged);
programmeChoices.addEventListener('change', () => {
  clearIssues(form);
  renderNeeds();
});
streetSelect.addEventListener('change', () => streetChanged());
$('#locate').addEventListener('click', useMyLocation);
$('#fill-example').addEventListener('click', fillExample);
$('#clear-form').addEventListener('click', clearForm);

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
  const marked = new Set();
  for (const issue of err.issues ?? []) {
    const field = fieldForPath(issue.path);
    let message = issue.message ?? '';
    if (!field) {
      summaryItems.push(h('li', {}, issueText(message)));
      continue;
    }
    // One message per field (the map stands for both latitude and longitude).
    if (marked.has(field)) continue;
    marked.add(field);
    if (field.classList.contains('map-field')) {
      message = districtHasStreets() ? '请在地图上点出家的位置 / Tap the map where the home is' : '请点「使用我的位置」 / Use "Use my location"';
    }
    const errorId = `field-error-${++errorCounter}`;
    field.classList.add('invalid');
    field.append(h('p', { class: 'field-error', id: errorId }, h('span', { 'aria-hidden': 'true' }, '⚠ '), issueText(message)));
    for (const input of field.querySelectorAll('input:not([type="hidden"]), select, textarea, [role="application"]')) {
      if (input.disabled) continue;
      if (input.getAttribute('role') !== 'application') input.setAttribute('aria-invalid', 'true');
      // Remember the field's own description (its hint) once, to restore it when the error goes.
      if (input.dataset.describedby === undefined) input.dataset.describedby = input.getAttribute('aria-describedby') ?? '';
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${errorId}`.trim());
    }
    const target = field.querySelector(
      'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea, [role="application"], button:not([disabled])',
    );
    const name = field.querySelector('label, legend, .field-name')?.textContent.trim().replace(/\s*\*$/, '') ?? issue.path;
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
        '：',
        issueText(message),
      ),
    );
  }
  replaceChildren(
    formErrors,
    familyError(err, {
      titleZh: '申请还没有提交',
      titleEn: 'The application was not sent',
      withIssues: false,
      // The fields to correct, each a link to its field: that is what to do.
      extra: summaryItems.length
        ? [h('p', { class: 'todo' }, bi('请修改以下内容后再提交：', 'Correct these, then send it again:')), h('ul', {}, summaryItems)]
        : null,
    }),
    err.existingId
      ? h(
          'p',
          { class: 'alert alert-info' },
          h('a', { href: `#app=${encodeURIComponent(err.existingId)}`, id: 'existing-app' }, bi('查看办理中的申请', 'See the open application')),
        )
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
    for (const input of field.querySelectorAll('[aria-invalid], [data-describedby]')) {
      input.removeAttribute('aria-invalid');
      const original = input.dataset.describedby;
      if (original) input.setAttribute('aria-describedby', original);
      else input.removeAttribute('aria-describedby');
      delete input.dataset.describedby;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plain language: errors that say what to do, reasons as sentences, places and policies in words
// ---------------------------------------------------------------------------------------------

/** What the family can do next, by HTTP status (api.js has the general words). */
const FAMILY_STEPS = {
  401: ['请重新登录后再试。', 'Sign in again, then try again.'],
  403: ['请确认登录的是您自己的账号；如有疑问请联系客服。', 'Check that you are signed in as yourself; ask support if unsure.'],
  404: ['请从「我的申请」中重新打开。', 'Open it again from "My applications".'],
  409: ['情况已有变化：请点「刷新」查看最新状态后再试。', 'Something changed meanwhile: refresh to see the latest, then try again.'],
  // The one 422 a family meets: the same submission key sent again with other content.
  422: ['请再提交一次。', 'Please send it once more.'],
  429: ['请稍等一分钟再试。', 'Wait a minute, then try again.'],
};

/** An error for the family: what went wrong and what to do next; the request id folded away for support. */
function familyError(err, opts = {}) {
  return errorBox(err, { ...opts, nextSteps: FAMILY_STEPS, className: 'family-error' });
}

/** District codes in a text replaced by their names ("居住地（320113）" → "居住地（栖霞区）"). */
function namePlaces(text, en = false) {
  let out = String(text ?? '');
  for (const d of vocab.districtList) {
    if (!d.code) continue;
    out = en ? out.replace(new RegExp(`\\bdistrict ${d.code}\\b`, 'g'), d.en).replace(new RegExp(d.code, 'g'), d.en) : out.replace(new RegExp(d.code, 'g'), d.zh);
  }
  return out;
}

/** The eligibility reasons as sentences (no rule codes); the approval one follows the subsidy's status. */
function plainReasons(reasons, subsidy) {
  if (!Array.isArray(reasons) || !reasons.length) return null;
  const decided = {
    APPROVED: ['补贴已获区民政部门批准。', 'The subsidy was approved by district staff.'],
    SETTLED: ['补贴已获区民政部门批准。', 'The subsidy was approved by district staff.'],
    REJECTED: ['补贴未获区民政部门批准。', 'The subsidy was not approved by district staff.'],
  };
  return h(
    'ul',
    { class: 'reasons' },
    reasons.map((r) => {
      const swap = r.code === 'NEEDS_APPROVAL' ? decided[subsidy?.status] : null;
      const [zh, en] = swap ?? [namePlaces(r.messageZh), namePlaces(r.message, true)];
      return h('li', { dataset: { rule: r.code ?? '' } }, bi(zh, en));
    }),
  );
}

/** "审核依据《老年助餐服务补贴政策》" with its version in small print. */
function policyLine(policyVersion, programme) {
  if (!policyVersion) return null;
  return h('p', { class: 'policy-line' }, bi('审核依据', 'Checked under'), ' ', policyText(programme, policyVersion));
}

/** Where the home is, in words: "仙林街道，距街道中心约 300 米". */
function homeWords(address) {
  const street = (vocab.districts[address?.district]?.streets ?? []).find((s) => s.name === address?.street);
  if (!street?.location || !address?.location) return null;
  const metres = metresBetween(street.location, address.location);
  if (metres < 50) return bi(`${street.name}中心附近`, `near the centre of ${street.nameEn ?? street.name}`);
  const [zh, en] = distanceWords(metres);
  return bi(`距${street.name}中心${zh}`, `${en} from the centre of ${street.nameEn ?? street.name}`);
}

/** "距家约 400 米" for a provider's distance from home. */
function fromHome(metres) {
  if (typeof metres !== 'number' || !Number.isFinite(metres)) return null;
  const [zh, en] = distanceWords(metres);
  return bi(`距家${zh}`, `${en} from home`);
}

/** The provider's contact once the place is confirmed (the API sends it only then). */
function contactBlock(contact) {
  if (!contact) return null;
  const digits = String(contact.phone ?? '').replace(/[^\d+]/g, '');
  return h(
    'section',
    { class: 'contact', id: 'provider-contact', 'aria-labelledby': 'contact-title' },
    h('h3', { id: 'contact-title' }, bi('联系方式', 'Contact')),
    defList([
      ['地址', 'Address', contact.address ?? null],
      ['开放时间', 'Opening hours', contact.openingHours ?? null],
      [
        '电话',
        'Phone',
        digits
          ? h('a', { href: `tel:${digits}`, class: 'btn btn-secondary tel-link' }, h('span', { 'aria-hidden': 'true' }, '☎ '), contact.phone)
          : null,
      ],
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// One application: rendering
// ---------------------------------------------------------------------------------------------

function card(titleZh, titleEn, ...content) {
  return h('section', { class: 'card' }, h('h2', {}, bi(titleZh, titleEn)), ...content);
}

/**
 * `visits`: the recorded visits of the application's assignment (null when it has none).
 * `providerNames`: Map id → name of the district's providers, for ranked choices (null if unknown).
 */
function renderApplication(app, visits, providerNames) {
  const status = app.status;
  const programme = vocab.byType.get(app.type);
  // A job under way (or done) says where the work is; an accepted job without one is being planned.
  const job = app.job ?? (status === 'ACTIVE' && isJob(app, programme) ? { step: 'PLANNING', inspections: [] } : null);
  const next = job && (status === 'ACTIVE' || status === 'COMPLETED') ? jobNextStep(app, job, programme) : nextStep(status, programme);
  const subject = app.subject ?? {};
  const address = subject.address ?? {};
  const districtName = vocab.districts[address.district];

  return [
    h(
      'section',
      { class: 'card card-status' },
      h('p', { class: 'status-line' }, badge(vocab.applicationStatus, status)),
      next ? h('p', { class: 'next-step' }, bi(next[0], next[1])) : null,
      // Once the provider confirmed: how to reach it (its contact is in the provider's card below).
      app.assignment?.contact && status === 'ACTIVE'
        ? h(
            'p',
            { class: 'hint' },
            bi(`${noun(programme).zh}的地址、开放时间和电话见下方，有事可直接打电话。`, `The ${noun(programme).en}'s address, opening hours and phone are below: call them with any question.`),
          )
        : null,
      defList([
        ['服务类型', 'Service', label(vocab.applicationTypes, app.type)],
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
    app.assignment ? (familyAnswers(programme) ? renderPlace(app, programme) : renderAssignment(app.assignment, programme)) : null,
    job ? renderJob(app, job, programme) : null,
    app.allocation ? renderAllocation(app, programme) : null,
    visits ? renderVisits(visits, programme) : null,
    app.subsidy ? renderSubsidy(app.subsidy, programme) : null,
    app.eligibility ? renderEligibility(app.eligibility, app.subsidy, programme) : null,
    card(
      ...subjectWords(programme).legend,
      defList([
        ['姓名', 'Name', subject.name],
        ['身份证号', 'ID number', subject.idNumberMasked ? bi(`尾号 ${subject.idNumberMasked.slice(-4)}`, `ending ${subject.idNumberMasked.slice(-4)}`) : null],
        ['年龄', 'Age', typeof subject.age === 'number' ? `${subject.age} 岁 ${subject.age} years` : null],
        [
          '地址',
          'Address',
          [districtName?.zh, address.street, address.detail].filter(Boolean).join(' '),
        ],
        ['位置', 'Where', homeWords(address)],
        ...needsRows(programme, app.needs, { providerNames }),
      ]),
    ),
    renderHistory(app.history),
    h('p', { class: 'meta app-number' }, bi('申请编号（联系客服时提供）', 'Application number (for support)'), ' ', h('code', {}, app.id)),
  ];
}

/** The grid worker who filed it, by their street (never their user id). */
function filedBy(f) {
  if (typeof f !== 'object' || f === null) return bi('网格员', 'A grid worker');
  return f.street ? bi(`${f.street}网格员`, `Grid worker, ${f.street}`) : bi('网格员', 'A grid worker');
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
    h('p', { class: 'provider-name' }, a.providerName ?? bi(`${n.zh}名称暂缺`, 'Name not available')),
    defList([
      ['派单状态', 'Offer status', badge(vocab.assignmentStatus, a.status)],
      ['距离', 'Distance', fromHome(a.distanceMetres)],
      [
        '确认截止',
        'Offer deadline',
        a.status === 'OFFERED' && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null,
      ],
    ]),
    a.status === 'OFFERED'
      ? h('p', { class: 'hint' }, bi(`${n.zh}确认接单后，这里会显示地址、开放时间和电话。`, `Once the ${n.en} confirms, its address, opening hours and phone show here.`))
      : null,
    contactBlock(a.contact),
  );
}

// ---------------------------------------------------------------------------------------------
// Jobs with steps (e.g. a retrofit): the contractor's plan, the family's confirmation, the work
// and the district's inspection
// ---------------------------------------------------------------------------------------------

/** The steps in the family's words. */
const FAMILY_JOB_STEPS = {
  ...JOB_STEPS,
  AWAITING_CONFIRMATION: { zh: '待您确认', en: 'Awaiting your confirmation', tone: 'wait' },
  PASSED: { zh: '验收通过', en: 'Passed', tone: 'ok' },
};

/** What happens next, in plain words, at each step of the job. */
function jobNextStep(app, job, programme) {
  const n = noun(programme);
  const provider = app.assignment?.providerName ?? n.zh;
  const providerEn = app.assignment?.providerName ?? `The ${n.en}`;
  const plan = job.plan;
  switch (jobStep(job)) {
    case 'PLANNING':
      return [`${provider}将上门评估，制定改造方案后请您确认。`, `${providerEn} will visit and plan the work; you then confirm the plan.`];
    case 'AWAITING_CONFIRMATION':
      return ['改造方案已提交：请核对项目和费用，确认后即可开工。', 'The plan is ready: check the items and the costs, then confirm it so the work can start.'];
    case 'BUILDING':
      return lastFailedInspection(job)
        ? ['验收未通过，施工单位正在整改，完成后将再次验收。', 'The inspection failed; the contractor is putting it right, then it is inspected again.']
        : ['方案已确认，正在施工。', 'The plan is confirmed; the work is under way.'];
    case 'AWAITING_INSPECTION':
      return ['已完工，等待区民政部门验收。', "The work is done; awaiting the district's inspection."];
    case 'PASSED':
      return plan
        ? [
            `验收通过。补贴 ${formatFen(plan.subsidyFen)}直接拨付施工单位，您只需支付个人自付 ${formatFen(plan.householdFen)}。`,
            `Passed. The subsidy of ${yuanText(plan.subsidyFen)} yuan is paid to the contractor; you pay only your share, ${yuanText(plan.householdFen)} yuan.`,
          ]
        : ['验收通过。', 'Passed.'];
    default:
      return null;
  }
}

/** The plan card: step, the priced plan, the confirm button while it awaits the family, inspections. */
function renderJob(app, job, programme) {
  const step = jobStep(job);
  const toConfirm = step === 'AWAITING_CONFIRMATION' && app.status === 'ACTIVE' && job.plan;
  const failed = step === 'BUILDING' ? lastFailedInspection(job) : undefined;
  return h(
    'section',
    { class: `card card-job${toConfirm ? ' card-action' : ''}`, id: 'job-card', dataset: { step } },
    h('h2', {}, bi('改造方案', 'Retrofit plan')),
    h('p', { class: 'status-line' }, badge(FAMILY_JOB_STEPS, step)),
    failed
      ? h(
          'div',
          { class: 'alert alert-error job-failed' },
          h('p', { class: 'alert-title' }, bi('验收未通过，正在整改', 'The inspection failed; being put right')),
          failed.note ? h('p', {}, failed.note) : null,
        )
      : null,
    job.plan
      ? // The policy's id is left out: the eligibility card names the policy in words.
        renderPlan(job.plan, { shareZh: '个人自付', shareEn: 'Your share', id: 'job-plan', programme })
      : h('p', { class: 'empty' }, bi(`${app.assignment?.providerName ?? noun(programme).zh}上门评估后会在这里给出方案。`, 'The plan will show here after the home visit.')),
    toConfirm
      ? [
          h(
            'p',
            { class: 'hint' },
            bi(
              '确认前请核对改造项目、数量和单价；有疑问请先联系施工单位修改方案。',
              'Check the items, quantities and prices first; if something is wrong, ask the contractor to revise the plan.',
            ),
          ),
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              { type: 'button', id: 'plan-confirm', class: 'btn btn-ok btn-large', onclick: (e) => confirmPlan(app, job.plan, e.currentTarget) },
              bi('确认方案', 'Confirm the plan'),
            ),
          ),
        ]
      : null,
    defList([
      ['确认时间', 'Confirmed', job.confirmedAt ? timeEl(job.confirmedAt) : null],
      ['完工时间', 'Work done', job.workCompletedAt ? timeEl(job.workCompletedAt) : null],
      ['施工说明', 'Note on the work', job.workNote || null],
    ]),
    job.inspections?.length ? [h('h3', {}, bi('验收记录', 'Inspections')), renderInspections(job.inspections)] : null,
  );
}

async function confirmPlan(app, plan, button) {
  const ok = await askDialog({
    input: false,
    titleZh: '确认这个改造方案？',
    titleEn: 'Confirm this plan?',
    textZh: `工程总价 ${formatFen(plan.priceFen)}，补贴 ${formatFen(plan.subsidyFen)}，个人自付 ${formatFen(plan.householdFen)}。确认后施工单位即可开工，方案不再修改。`,
    textEn: `Total ${yuanText(plan.priceFen)} yuan, subsidy ${yuanText(plan.subsidyFen)} yuan, your share ${yuanText(plan.householdFen)} yuan. The contractor may then start; the plan no longer changes.`,
    confirmZh: '确认方案',
    confirmEn: 'Confirm the plan',
  });
  if (!ok) return;
  button.disabled = true;
  try {
    await api.post(`/applications/${encodeURIComponent(app.id)}/plan/confirm`, {});
    toast(['已确认改造方案，施工单位可以开工了。', 'Plan confirmed: the work can start.']);
  } catch (err) {
    toast(familyError(err, { titleZh: '未能确认方案', titleEn: 'Could not confirm the plan' }), 'error');
  } finally {
    button.disabled = false;
  }
  refreshNow(app.id);
}

// ---------------------------------------------------------------------------------------------
// Offers the family answers (nursery places from allocation rounds): the place, and why not higher
// ---------------------------------------------------------------------------------------------

/** The offer status in the family's words: they take or leave the place themselves. */
const FAMILY_OFFER_STATUS = {
  OFFERED: { zh: '待您确认', en: 'Awaiting your answer', tone: 'wait' },
  ACCEPTED: { zh: '已接受', en: 'Taken', tone: 'ok' },
  DECLINED: { zh: '已放弃', en: 'Declined', tone: 'muted' },
};

/** The place offered: provider, class, which choice it was, the deadline, and the two answers. */
function renderPlace(app, programme) {
  const a = app.assignment;
  const n = noun(programme);
  const place = placeWord(programme);
  const allocation = app.allocation?.offeredProviderId === a.providerId ? app.allocation : null;
  const open = a.status === 'OFFERED' && app.status === 'OFFERED';
  return h(
    'section',
    { class: `card card-place${open ? ' card-action' : ''}`, id: 'place-card' },
    h('h2', {}, open ? bi(`为您分配的${place}`, 'The place offered to you') : bi(`${place}`, 'The place')),
    h('p', { class: 'provider-name' }, a.providerName ?? bi(`${n.zh}名称暂缺`, 'Name not available')),
    defList([
      ['班级', 'Class', allocation?.ageClass ? classText(programme, allocation.ageClass) : null],
      ['志愿', 'Choice', allocation?.rank ? choiceLabel(allocation.rank) : null],
      ['状态', 'Status', badge(FAMILY_OFFER_STATUS[a.status] ? FAMILY_OFFER_STATUS : vocab.assignmentStatus, a.status)],
      ['距离', 'Distance', fromHome(a.distanceMetres)],
      ['确认截止', 'Answer by', open && a.expiresAt ? h('span', {}, timeEl(a.expiresAt), ' · ', countdownEl(a.expiresAt)) : null],
    ]),
    open
      ? [
          h(
            'p',
            { class: 'hint' },
            bi(
              `截止前未确认，${place}将退回，申请继续等待下一轮分配。`,
              `If you do not answer by the deadline, the place goes back and the application waits for the next round.`,
            ),
          ),
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              { type: 'button', id: 'offer-accept', class: 'btn btn-ok btn-large', onclick: (e) => acceptOffer(app, programme, e.currentTarget) },
              bi(`接受${place}`, 'Accept the place'),
            ),
            h(
              'button',
              { type: 'button', id: 'offer-decline', class: 'btn btn-danger', onclick: (e) => declineOffer(app, programme, e.currentTarget) },
              bi('放弃', 'Decline'),
            ),
          ),
        ]
      : null,
    a.status === 'ACCEPTED'
      ? h('p', { class: 'next-step' }, bi(`已接受${a.providerName ?? n.zh}的${place}。`, `You took the place at ${a.providerName ?? `the ${n.en}`}.`))
      : null,
    contactBlock(a.contact),
  );
}

async function acceptOffer(app, programme, button) {
  const place = placeWord(programme);
  button.disabled = true;
  try {
    await api.post(`/applications/${encodeURIComponent(app.id)}/offer/accept`, {});
    toast([`已接受${app.assignment?.providerName ?? ''}的${place}。`, 'You took the place.']);
  } catch (err) {
    toast(familyError(err, { titleZh: '未能接受', titleEn: 'Could not take the place' }), 'error');
  } finally {
    button.disabled = false;
  }
  myApps.reload({ quiet: true });
  refreshNow(app.id);
}

async function declineOffer(app, programme, button) {
  const place = placeWord(programme);
  const n = noun(programme);
  const name = app.assignment?.providerName ?? n.zh;
  const ok = await askDialog({
    input: false,
    titleZh: `放弃${name}的${place}？`,
    titleEn: 'Decline this place?',
    textZh: `放弃后，这个${place}会分给其他家庭；申请继续排队，参加下一轮统一分配，但一段时间内不会再分到这家${n.zh}。`,
    textEn: `The place goes to another family. The application stays in line for the next round, but will not be offered this ${n.en} again for a while.`,
    confirmZh: '确认放弃',
    confirmEn: 'Yes, decline',
    danger: true,
  });
  if (!ok) return;
  button.disabled = true;
  try {
    await api.post(`/applications/${encodeURIComponent(app.id)}/offer/decline`, {});
    toast([`已放弃${name}的${place}，申请继续等待下一轮分配。`, 'Place declined; the application waits for the next round.']);
  } catch (err) {
    toast(familyError(err, { titleZh: '未能放弃', titleEn: 'Could not decline' }), 'error');
  } finally {
    button.disabled = false;
  }
  myApps.reload({ quiet: true });
  refreshNow(app.id);
}

/** "居住地距该园1000米以内 +10、…" and its English, from the rules behind a child's points. */
function rulesText(rules) {
  if (!Array.isArray(rules) || !rules.length) return ['无加分项', 'no priority points'];
  return [rules.map((r) => `${r.label?.zh ?? r.rule} +${r.points}`).join('、'), rules.map((r) => `${r.label?.en ?? r.rule} +${r.points}`).join('; ')];
}

/**
 * Why one preference was not offered, as one sentence in Chinese and one in English: e.g.
 * "第1志愿 仙林湖社区嵌入式托育点 · 托小班：该班已满，最低录取 40 分（抽签号 0.9004）；王小米 10 分（…）".
 */
function explanationText(item, rank, who, lottery, programme) {
  const place = placeWord(programme);
  const cls = classLabel(programme, item.ageClass);
  const head = [`第${rank}志愿 ${item.providerName} · ${shortLabel(cls?.zh ?? item.ageClass)}`, `Choice ${rank}, ${item.providerName}, ${shortLabel(cls?.en ?? item.ageClass)}`];
  const [rulesZh, rulesEn] = rulesText(item.rules);
  let why;
  if (item.outcome === 'below-cutoff' && item.cutoff) {
    const c = item.cutoff;
    why = [
      `该班已满，最低录取 ${c.points} 分（抽签号 ${formatLottery(c.lottery)}）；${who.zh} ${item.points} 分（${rulesZh}）`,
      `the class filled: the lowest admitted had ${c.points} points (lottery ${formatLottery(c.lottery)}); ${who.en} ${item.points} points (${rulesEn})`,
    ];
    // Equal points: the lottery number decided, the lower first.
    if (item.points === c.points && typeof lottery === 'number') {
      why[0] += `。同分按抽签号从小到大录取，抽签号 ${formatLottery(lottery)} 排在 ${formatLottery(c.lottery)} 之后`;
      why[1] += `. Equal points go by lottery number, lowest first: ${formatLottery(lottery)} came after ${formatLottery(c.lottery)}`;
    }
  } else if (item.outcome === 'below-cutoff' || item.outcome === 'no-places') {
    why = [`该班本轮没有空余${place}`, 'no place was free in this class this round'];
  } else if (item.outcome === 'not-in-round') {
    why = [`本轮未参与（机构已不在名单，或此前已放弃该园${place}）`, 'not in this round (no longer listed, or a place there was declined before)'];
  } else if (item.outcome === 'changed-meanwhile') {
    why = [`分配时该${place}被占用，将在下一轮重新分配`, 'the place was taken while the offer was being made; it goes into the next round'];
  } else {
    why = [String(item.outcome ?? ''), String(item.outcome ?? '')];
  }
  return [`${head[0]}：${why[0]}`, `${head[1]}: ${why[1]}.`];
}

/** The latest allocation round: what it offered, and why each choice above that one was not. */
function renderAllocation(app, programme) {
  const al = app.allocation;
  const place = placeWord(programme);
  const name = app.subject?.name ?? '';
  // The child by name ("王小米 10 分"); "您的幼儿" only where no name is known.
  const subject = programme?.subjectNoun ?? { zh: '孩子', en: 'child' };
  const who = name ? { zh: name, en: `${name} has` } : { zh: `您的${subject.zh}`, en: `your ${subject.en} has` };
  const prefs = Array.isArray(app.needs?.preferences) ? app.needs.preferences : [];
  const items = Array.isArray(al.explanation) ? al.explanation : [];
  const offered = Boolean(al.offeredProviderId);
  const left = offered && app.assignment?.providerId === al.offeredProviderId && ['DECLINED', 'EXPIRED'].includes(app.assignment.status);
  // The provider by name (from the assignment, else the family's own ranked choices), never its id.
  const offeredName =
    (offered && app.assignment?.providerId === al.offeredProviderId ? app.assignment.providerName : null) ??
    (Array.isArray(al.explanation) ? al.explanation.find((x) => x.providerId === al.offeredProviderId)?.providerName : null) ??
    noun(programme).zh;

  let outcome;
  if (!offered) {
    outcome = bi(
      `本轮没有分配到${place}。${name}继续排队，将参加下一轮统一分配。`,
      `No place this round. ${name} stays in line for the next round.`,
    );
  } else if (left) {
    outcome = bi(
      `本轮分配到${al.rank ? `第${al.rank}志愿 ` : ''}${offeredName}，${app.assignment.status === 'EXPIRED' ? '未在截止前确认' : '您已放弃'}；申请继续等待下一轮统一分配。`,
      `This round offered ${al.rank ? `choice ${al.rank}, ` : ''}${offeredName}; ${app.assignment.status === 'EXPIRED' ? 'it was not answered in time' : 'you declined it'}. The application waits for the next round.`,
    );
  } else {
    outcome = bi(`分配到${al.rank ? `第${al.rank}志愿 ` : ''}${offeredName}。`, `Offered ${al.rank ? `choice ${al.rank}: ` : ''}${offeredName}.`);
  }

  return h(
    'section',
    { class: 'card card-allocation', id: 'allocation-card' },
    h('h2', {}, bi('统一分配结果', 'Allocation round')),
    h('p', { class: 'next-step', id: 'allocation-outcome' }, outcome),
    defList([
      ['分配时间', 'Round run', timeEl(al.roundAt)],
      ['班级', 'Class', al.ageClass ? classText(programme, al.ageClass) : null],
      ['本轮抽签号', 'Lottery number', typeof al.lottery === 'number' ? h('span', {}, formatLottery(al.lottery), ' ', h('span', { class: 'meta' }, bi('（同分时小者优先）', '(lower first among equal points)'))) : null],
    ]),
    items.length
      ? h(
          'section',
          { class: 'why', id: 'why', 'aria-labelledby': 'why-title' },
          h(
            'h3',
            { id: 'why-title' },
            offered ? bi('为什么没有录取到更靠前的志愿', 'Why not a higher choice') : bi('为什么没有录取', 'Why no choice was offered'),
          ),
          h(
            'ol',
            { class: 'why-list' },
            items.map((item, i) => {
              const at = prefs.indexOf(item.providerId);
              const [zh, en] = explanationText(item, at >= 0 ? at + 1 : i + 1, who, al.lottery, programme);
              return h('li', { dataset: { outcome: item.outcome } }, bi(zh, en));
            }),
          ),
          renderPriorityRules(programme),
        )
      : null,
  );
}

/** The policy's points per rule (GET /programmes figures), folded away under the explanation. */
function renderPriorityRules(programme) {
  const rules = Array.isArray(programme?.figures?.priorityRules) ? programme.figures.priorityRules : [];
  if (!rules.length) return null;
  return h(
    'details',
    { class: 'rules' },
    h('summary', {}, bi('录取规则：怎样计分', 'How places are given')),
    h(
      'p',
      {},
      bi(
        '每个班按加分从高到低录取；同分时按本轮公开抽签号从小到大录取。',
        "Each class admits by points, highest first; equal points go by the round's published lottery number, lowest first.",
      ),
    ),
    h(
      'ul',
      {},
      rules.filter((r) => r.points > 0).map((r) => h('li', {}, bi(`${r.label?.zh ?? r.rule} +${r.points} 分`, `${r.label?.en ?? r.rule}: +${r.points}`))),
    ),
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

function renderEligibility(e, subsidy, programme) {
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
    plainReasons(e.reasons, subsidy),
    policyLine(e.policyVersion, programme),
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
    toast(familyError(err, { titleZh: '撤销未成功', titleEn: 'Could not cancel' }), 'error');
  }
  refreshNow(id);
}

// ---------------------------------------------------------------------------------------------
// One application: polling
// ---------------------------------------------------------------------------------------------

// Polls one id at a time; a setTimeout chain (not setInterval) so calls never overlap. `gen`
// changes whenever polling starts or stops, so a call still in flight for an older run is ignored.
const poller = { id: null, gen: 0, timer: 0, inFlight: false, again: false, lastJson: '', lastStatus: null, delay: POLL_FIRST_MS, paused: false };

function startPolling(id) {
  stopPolling();
  Object.assign(poller, { id, lastJson: '', lastStatus: null, inFlight: false, again: false, delay: POLL_FIRST_MS, paused: false });
  replaceChildren(detail, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  replaceChildren(detailError);
  replaceChildren(pollStatus);
  tick(poller.gen);
}

function stopPolling() {
  clearTimeout(poller.timer);
  poller.gen++;
  poller.id = null;
  poller.paused = false;
}

/** Fetch now (after an action, or the 刷新 button) instead of waiting for the next tick. */
function refreshNow(id) {
  if (poller.id !== id) return;
  poller.delay = POLL_FIRST_MS;
  if (poller.inFlight) poller.again = true;
  else {
    clearTimeout(poller.timer);
    tick(poller.gen);
  }
}

/** The 刷新 button: fetch now, and follow the application again if polling had stopped. */
function refreshButton() {
  const id = currentAppId();
  if (!id) return;
  if (poller.id === id) {
    refreshNow(id);
    return;
  }
  // Stopped on a final status or an error: keep what is shown while fetching again.
  clearTimeout(poller.timer);
  poller.gen++;
  Object.assign(poller, { id, inFlight: false, again: false, delay: POLL_FIRST_MS, paused: false });
  tick(poller.gen);
}

function schedule(gen, delay) {
  clearTimeout(poller.timer);
  poller.timer = setTimeout(() => tick(gen), delay);
}

// A hidden tab is not polled; it catches up as soon as it is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.hidden || !poller.paused || !poller.id) return;
  poller.paused = false;
  poller.delay = POLL_FIRST_MS;
  tick(poller.gen);
});

async function tick(gen) {
  if (gen !== poller.gen) return;
  const id = poller.id;
  if (document.hidden) {
    poller.paused = true;
    return;
  }
  poller.inFlight = true;
  let status = poller.lastStatus;
  let changed = false;
  try {
    const app = await api.get(`/applications/${encodeURIComponent(id)}`);
    const [visits, names] = await Promise.all([loadVisits(app), loadProviderNames(app)]);
    if (gen !== poller.gen) return;
    replaceChildren(detailError);
    const json = JSON.stringify([app, visits, names ? [...names] : null]);
    if (json !== poller.lastJson) {
      changed = poller.lastJson !== '';
      renderKeepingFocus(app, visits, names);
      // Only once it is on screen: a rendering error is then shown again on the next tick.
      poller.lastJson = json;
      if (poller.lastStatus && poller.lastStatus !== app.status) {
        const s = vocab.applicationStatus[app.status];
        announce(`状态更新：${s?.zh ?? app.status}。Status: ${s?.en ?? app.status}.`);
        myApps.reload({ quiet: true });
      }
      poller.lastStatus = app.status;
    }
    status = app.status;
    if (vocab.terminal.has(app.status)) {
      replaceChildren(pollStatus, bi('已是最终状态，不再自动刷新。', 'This is the final status; no more automatic updates.'));
      stopPolling();
      return;
    }
    replaceChildren(
      pollStatus,
      SLOW_STATES.has(app.status)
        ? bi('这一步可能需要几天，页面约每 30 秒检查一次。', 'This step may take days; the page checks about every 30 s.')
        : bi('页面会自动更新。', 'The page updates automatically.'),
    );
  } catch (err) {
    if (gen !== poller.gen) return;
    replaceChildren(detailError, familyError(err, { titleZh: '暂时无法显示这份申请', titleEn: 'The application cannot be shown now' }));
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
  // Back off while nothing changes: 1.5 s growing to 15 s, or to 30 s in states that wait for days.
  const cap = SLOW_STATES.has(status) ? POLL_SLOW_MS : POLL_MAX_MS;
  poller.delay = changed ? POLL_FIRST_MS : Math.min(cap, Math.round(poller.delay * 1.5));
  const delay = poller.again ? 0 : poller.delay;
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

/**
 * Names of the providers a family ranked (programmes with a 'ranked-providers' needs field), from
 * the directory of the subject's district; null when there are none or they cannot be read now.
 */
async function loadProviderNames(app) {
  const programme = vocab.byType.get(app.type);
  if (!(programme?.needsFields ?? []).some((f) => f.kind === 'ranked-providers')) return null;
  const code = app.subject?.address?.district;
  if (!code) return null;
  try {
    return new Map((await loadDirectory(api, programme, code)).map((p) => [p.id, p.name]));
  } catch {
    return null;
  }
}

function renderKeepingFocus(app, visits, providerNames) {
  const focusedId = detail.contains(document.activeElement) ? document.activeElement.id : '';
  replaceChildren(detail, renderApplication(app, visits, providerNames));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

// ---------------------------------------------------------------------------------------------
// "My applications" and routing
// ---------------------------------------------------------------------------------------------

function currentAppId() {
  return new URLSearchParams(location.hash.slice(1)).get('app');
}

/** "My applications" (a grid worker: the ones they filed), once the signed-in api is known. */
let myApps = { reload() {} };
const createMyApps = () =>
  pagedList({
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
$('#detail-refresh').addEventListener('click', refreshButton);

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
  const started = await startPage({ role: ['family', 'grid'], titleZh: '为老人申请服务', titleEn: 'Apply for care' });
  api = started.api;
  claims = started.session.claims;
  isGrid = claims.role === 'grid';
  myApps = createMyApps();
  startCountdowns();
  try {
    await loadVocabulary(api);
  } catch (err) {
    replaceChildren($('#signin-status'), familyError(err, { titleZh: '无法加载服务项目', titleEn: 'Could not load the programmes' }));
    return;
  }
  renderProgrammeChoices();
  renderRelationships();
  renderDistricts();
  applyGridMode();
  // "使用我的位置" only where the browser can locate (a secure context with geolocation).
  $('#locate').closest('.map-actions').hidden = !(navigator.geolocation && window.isSecureContext !== false);
  // After the district: a ranked-providers field lists the district's providers.
  renderNeeds();
  form.dataset.ready = 'true';
  route();
  myApps.reload();
}

start();
