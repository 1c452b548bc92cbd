// staff.html: a district official's console. Approve or reject pending subsidies (with the
// applicant's contact to check), inspect finished jobs (programmes with a priced catalogue, e.g.
// retrofits), settle a programme's month with its providers (compute the statements, approve each,
// export its payment file), run a district-wide allocation round (confirmed first, its outcome shown
// against the state before it), and read the supply–demand report as a chart (inline SVG) and a
// table that opens per street to its grids. The shell (shell.js) signs the official in.

import {
  askDialog,
  badge,
  bi,
  catalogueOf,
  chinaDay,
  classLabel,
  classOrder,
  defList,
  errorBox,
  familyAnswers,
  formatDateTime,
  formatFen,
  formatLottery,
  formatMonth,
  formatSubsidy,
  h,
  JOB_STEPS,
  jobStep,
  loadVocabulary,
  pagedList,
  pageParams,
  policyText,
  quantityText,
  rateText,
  renderInspections,
  renderPlan,
  replaceChildren,
  runAction,
  saveFile,
  stacked,
  svg,
  timeEl,
  toast,
  vocab,
  yuanText,
} from './api.js';
import { startPage } from './shell.js';

const params = pageParams();
/** The signed-in official: `{role, sub, district}`, set by start(). */
let claims = { role: 'staff', district: '' };
/** The API client of the signed-in official, set by start(); `api` below forwards to it. */
let client = null;
const api = {
  get: (...args) => client.get(...args),
  post: (...args) => client.post(...args),
  request: (...args) => client.request(...args),
  download: (...args) => client.download(...args),
  getToken: () => client.getToken(),
};

const $ = (selector) => document.querySelector(selector);

// ---------------------------------------------------------------------------------------------
// Errors in plain words: what happened, what to do; the request id for support, folded away
// ---------------------------------------------------------------------------------------------

/** What the official can do about a failed call, by its HTTP status (api.js has the general words). */
const STAFF_STEPS = {
  403: ['此事项不属于您的辖区或权限：如有疑问请联系管理员。', 'This is outside your district or role: ask your administrator if in doubt.'],
  404: ['此事项已不存在：请刷新页面。', 'This is no longer there: reload the page.'],
  409: ['此事项刚被他人处理或已有变化：请刷新后查看最新状态。', 'Someone else has just dealt with this, or it changed: refresh to see where it stands.'],
  400: ['请检查填写的内容后重试。', 'Check what you entered and try again.'],
};
/** An error as the official reads it: api.js's box with what staff can do about it. */
const staffErrorBox = (err, opts = {}) => errorBox(err, { ...opts, nextSteps: STAFF_STEPS });
/** One button action (approve, pass…) with the official's next steps on failure. */
const runStaffAction = (buttons, action, words) => runAction(buttons, action, { ...words, nextSteps: STAFF_STEPS });

// ---------------------------------------------------------------------------------------------
// Subsidies
// ---------------------------------------------------------------------------------------------

const subsidyFilter = $('#subsidy-filter');

const subsidies = pagedList({
  api,
  path: '/subsidies',
  query: () => ({ status: subsidyFilter.value }),
  list: $('#subsidies-list'),
  more: $('#subsidies-more'),
  status: $('#subsidies-status'),
  emptyZh: '没有符合条件的补贴。',
  emptyEn: 'No subsidies with this status.',
  renderItem: renderSubsidy,
});

subsidyFilter.addEventListener('change', () => subsidies.reload());
$('#subsidies-refresh').addEventListener('click', () => subsidies.reload());

let itemCounter = 0;

/** A street of the official's district with its English name beside it: "仙林街道 Xianlin Street". */
function streetLabel(name) {
  const street = (vocab.districts[claims.district]?.streets ?? []).find((st) => st.name === name);
  return street?.nameEn ? bi(name, street.nameEn) : h('span', {}, name ?? '—');
}

function streetEn(name) {
  return (vocab.districts[claims.district]?.streets ?? []).find((st) => st.name === name)?.nameEn ?? name;
}

/** The subsidy in words: "助餐服务补贴 每餐 ¥5 元/餐" beside "5 yuan per meal". */
function subsidyText(s) {
  const programme = vocab.byType.get(s.type);
  const u = vocab.subsidyUnits[s.unit];
  if (typeof s.amount !== 'number' || !u) return h('span', {}, formatSubsidy(s.amount, s.currency, s.unit));
  const amount = Number.isInteger(s.amount) ? String(s.amount) : s.amount.toFixed(2);
  return bi(`${programme?.nameZh ?? ''}补贴 ¥${amount} ${u.zh}`, `${programme ? `${programme.name}: ` : ''}${amount} ${u.en}`);
}

/** Who applied, to call and check: "王芳（女儿 daughter）", a phone link. */
function applicantContact(applicant) {
  if (!applicant) return null;
  const rel = vocab.relationships[applicant.relationship];
  return h(
    'span',
    { class: 'applicant' },
    h('span', {}, applicant.name ?? '—'),
    rel ? h('span', { class: 'meta' }, bi(`关系：${rel.zh}`, rel.en)) : null,
    applicant.phone ? [' ', h('a', { href: `tel:${applicant.phone}`, class: 'tel' }, applicant.phone)] : null,
  );
}

/** The resident's age (GET /subsidies carries it). */
function ageOf(s) {
  return typeof s.subjectAge === 'number' ? bi(`${s.subjectAge} 岁`, `${s.subjectAge} years`) : null;
}

function renderSubsidy(s) {
  const detailId = `subsidy-detail-${++itemCounter}`;
  const detailBox = h('div', { id: detailId, class: 'item-detail', hidden: true });
  const toggle = h(
    'button',
    { type: 'button', class: 'link-button', 'aria-expanded': 'false', 'aria-controls': detailId },
    bi('查看申请详情', 'View the application'),
  );
  toggle.addEventListener('click', () => toggleApplication(toggle, detailBox, s.applicationId));

  const li = h(
    'li',
    { dataset: { subsidyId: s.id } },
    h('div', { class: 'item-head' }, h('p', { class: 'item-title' }, s.subjectName ?? '—'), badge(vocab.subsidyStatus, s.status)),
    defList([
      ['年龄', 'Age', ageOf(s)],
      ['街道', 'Street', s.street ? streetLabel(s.street) : null],
      ['申请人', 'Applicant', applicantContact(s.applicant)],
      ['补贴', 'Subsidy', subsidyText(s)],
      ['依据', 'Policy', s.policyVersion ? policyText(vocab.byType.get(s.type), s.policyVersion) : null],
      ['申请时间', 'Applied', timeEl(s.createdAt)],
      ['备注', 'Note', s.note ?? null],
      ['驳回原因', 'Reason for rejecting', s.reason ?? null],
    ]),
    s.applicationId ? toggle : null,
    detailBox,
    s.applicationId ? h('p', { class: 'meta small-print' }, `申请编号 Application no. ${s.applicationId}`) : null,
  );

  if (s.status === 'PENDING') {
    const approve = h('button', { type: 'button', class: 'btn btn-ok' }, bi('批准', 'Approve'));
    const reject = h('button', { type: 'button', class: 'btn btn-danger' }, bi('驳回', 'Reject'));
    const buttons = [approve, reject];
    approve.addEventListener('click', () => approveSubsidy(s, buttons));
    reject.addEventListener('click', () => rejectSubsidy(s, buttons));
    li.append(h('div', { class: 'actions' }, buttons));
  }
  return li;
}

/** "王秀英（仙林街道）· 助餐服务 ¥8 元/餐，申请人 王芳 13912345678" for the confirmation dialogs. */
function who(s) {
  const programme = vocab.byType.get(s.type);
  const applicant = s.applicant ? `，申请人 ${s.applicant.name ?? ''}${s.applicant.phone ? ` ${s.applicant.phone}` : ''}` : '';
  return `${s.subjectName ?? ''}${s.street ? `（${s.street}）` : ''} · ${programme?.nameZh ?? ''} ${formatSubsidy(s.amount, s.currency, s.unit)}${applicant}`;
}

async function approveSubsidy(s, buttons) {
  const note = await askDialog({
    titleZh: '批准这笔补贴？',
    titleEn: 'Approve this subsidy?',
    textZh: `${who(s)}。批准后即为其安排服务，并通知申请人。`,
    textEn: 'The service is then arranged and the applicant is told.',
    labelZh: '备注（选填）',
    labelEn: 'Note (optional)',
    confirmZh: '批准',
    confirmEn: 'Approve',
  });
  if (note === null) return;
  await runStaffAction(buttons, () => api.post(`/subsidies/${encodeURIComponent(s.id)}/approve`, note ? { note } : {}), {
    okZh: `已批准：${s.subjectName ?? ''}`,
    okEn: 'Subsidy approved.',
    failZh: '批准未成功',
    failEn: 'Could not approve',
  });
  subsidies.reload({ quiet: true });
}

async function rejectSubsidy(s, buttons) {
  const reason = await askDialog({
    titleZh: '驳回这笔补贴？',
    titleEn: 'Reject this subsidy?',
    textZh: `${who(s)}。驳回原因会告知申请人。`,
    textEn: 'The applicant is told the reason.',
    labelZh: '驳回原因',
    labelEn: 'Reason',
    required: true,
    confirmZh: '驳回',
    confirmEn: 'Reject',
    danger: true,
  });
  if (reason === null) return;
  await runStaffAction(buttons, () => api.post(`/subsidies/${encodeURIComponent(s.id)}/reject`, { reason }), {
    okZh: `已驳回：${s.subjectName ?? ''}`,
    okEn: 'Subsidy rejected.',
    failZh: '驳回未成功',
    failEn: 'Could not reject',
  });
  subsidies.reload({ quiet: true });
}

/** The eligibility reasons as sentences (Chinese, English beside), without their rule codes. */
function reasonSentences(reasons) {
  if (!Array.isArray(reasons) || !reasons.length) return null;
  return h(
    'ul',
    { class: 'reasons' },
    reasons.map((r) => h('li', {}, bi(r.messageZh ?? '', r.message ?? ''))),
  );
}

/** " · 由您 by you" when the signed-in official did it (another official's account id is not shown). */
function byMe(sub) {
  return sub && sub === claims.sub ? h('span', {}, ' · ', bi('由您办理', 'by you')) : null;
}

/** Open/close the application behind a subsidy; loaded on first open (staff may read it). */
async function toggleApplication(toggle, box, applicationId) {
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  box.hidden = !open;
  if (!open || box.dataset.loaded) return;
  replaceChildren(box, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  try {
    const app = await api.get(`/applications/${encodeURIComponent(applicationId)}`);
    box.dataset.loaded = 'true';
    const subject = app.subject ?? {};
    const e = app.eligibility;
    replaceChildren(
      box,
      defList([
        ['申请状态', 'Application status', badge(vocab.applicationStatus, app.status)],
        ['年龄', 'Age', typeof subject.age === 'number' ? `${subject.age} 岁 ${subject.age} years` : null],
        ['身份证号', 'ID number', subject.idNumberMasked ? h('code', {}, subject.idNumberMasked) : null],
        ['地址', 'Address', [subject.address?.street, subject.address?.detail].filter(Boolean).join(' · ')],
        [
          '资格',
          'Eligibility',
          e ? (e.eligible ? bi('符合条件', 'Eligible') : bi('不符合条件', 'Not eligible')) : null,
        ],
      ]),
      e ? reasonSentences(e.reasons) : null,
    );
  } catch (err) {
    replaceChildren(box, staffErrorBox(err, { titleZh: '无法加载申请', titleEn: 'Could not load the application' }));
  }
}

// ---------------------------------------------------------------------------------------------
// Inspection queue: jobs reported done, of the programmes planned from a catalogue
// ---------------------------------------------------------------------------------------------

// The summary list has no job step: list the ACTIVE applications of those programmes (a few pages
// at most) and read each one, keeping those awaiting inspection. Bounded, so a big district does
// not fire hundreds of calls; the hint says when the queue may be longer than shown.
const INSPECTION_PAGES = 3;
const INSPECTION_DETAILS = 60;
const INSPECTION_PARALLEL = 6;
const INSPECTIONS_REFRESH_MS = 20_000;

const inspectionsSection = $('#inspections');
const inspectionsList = $('#inspections-list');
const inspectionsStatus = $('#inspections-status');
let inspectionsGen = 0;
let inspectionsShown = '';

/** Programmes whose jobs are planned from a priced catalogue (and so are inspected). */
function jobProgrammes() {
  return vocab.programmes.filter((p) => catalogueOf(p).length > 0);
}

/** The ids of the district's ACTIVE applications of `programme`, up to INSPECTION_PAGES pages; `more` when cut short. */
async function activeApplications(programme) {
  const ids = [];
  let nextToken;
  for (let pages = 0; pages < INSPECTION_PAGES; pages++) {
    const page = await api.get('/applications', { query: { type: programme.type, status: 'ACTIVE', limit: 100, nextToken } });
    for (const item of Array.isArray(page?.items) ? page.items : []) ids.push(item.id);
    nextToken = page?.nextToken;
    if (!nextToken) return { ids, more: false };
  }
  return { ids, more: true };
}

/** Read applications `ids`, a few at a time. */
async function readApplications(ids) {
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      out.push(await api.get(`/applications/${encodeURIComponent(id)}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(INSPECTION_PARALLEL, ids.length) }, worker));
  return out;
}

async function loadInspections({ quiet = false } = {}) {
  const programmes = jobProgrammes();
  inspectionsSection.hidden = programmes.length === 0;
  if (!programmes.length) return;
  const gen = ++inspectionsGen;
  if (!quiet) replaceChildren(inspectionsStatus, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  try {
    const lists = await Promise.all(programmes.map(activeApplications));
    const ids = lists.flatMap((l) => l.ids);
    const cut = lists.some((l) => l.more) || ids.length > INSPECTION_DETAILS;
    const apps = await readApplications(ids.slice(0, INSPECTION_DETAILS));
    if (gen !== inspectionsGen) return;
    const waiting = apps
      .filter((app) => app.job?.step === 'AWAITING_INSPECTION')
      .sort((x, y) => String(x.job.workCompletedAt ?? x.updatedAt).localeCompare(String(y.job.workCompletedAt ?? y.updatedAt)));
    const fingerprint = JSON.stringify(waiting);
    replaceChildren(
      inspectionsStatus,
      waiting.length ? null : h('p', { class: 'empty' }, bi('目前没有待验收的工程。', 'No work is awaiting inspection.')),
      cut
        ? h(
            'p',
            { class: 'hint' },
            bi(`在施工程较多，只查看了前 ${INSPECTION_DETAILS} 项；请验收后刷新查看其余。`, `Many jobs are under way: only the first ${INSPECTION_DETAILS} were read. Refresh after inspecting to see the rest.`),
          )
        : null,
    );
    // A background refresh that finds nothing new leaves the list (and focus) alone.
    if (quiet && fingerprint === inspectionsShown) return;
    inspectionsShown = fingerprint;
    replaceChildren(inspectionsList, waiting.map(renderInspection));
  } catch (err) {
    if (gen !== inspectionsGen) return;
    replaceChildren(inspectionsStatus, staffErrorBox(err, { titleZh: '无法加载待验收工程', titleEn: 'Could not load the inspection queue' }));
  }
}

$('#inspections-refresh').addEventListener('click', () => loadInspections());

function renderInspection(app) {
  const programme = vocab.byType.get(app.type);
  const job = app.job;
  const plan = job.plan;
  const address = app.subject?.address ?? {};
  const pass = h('button', { type: 'button', class: 'btn btn-ok inspection-pass' }, bi('通过', 'Pass'));
  const fail = h('button', { type: 'button', class: 'btn btn-danger inspection-fail' }, bi('不通过', 'Fail'));
  const buttons = [pass, fail];
  pass.addEventListener('click', () => inspect(app, true, buttons));
  fail.addEventListener('click', () => inspect(app, false, buttons));
  return h(
    'li',
    { dataset: { applicationId: app.id } },
    h('div', { class: 'item-head' }, h('p', { class: 'item-title' }, app.subject?.name ?? '—'), badge(JOB_STEPS, jobStep(job))),
    defList([
      ['服务项目', 'Programme', programme ? bi(programme.nameZh, programme.name) : app.type],
      ['地址', 'Address', [address.street, address.detail].filter(Boolean).join(' · ') || null],
      ['施工单位', 'Contractor', app.assignment?.providerName ?? null],
      ['完工报验', 'Reported done', job.workCompletedAt ? timeEl(job.workCompletedAt) : null],
      ['完工说明', 'Contractor’s note', job.workNote ? h('span', { class: 'work-note' }, job.workNote) : bi('（未填写）', '(none)')],
    ]),
    h('p', { class: 'meta small-print' }, `申请编号 Application no. ${app.id}`),
    plan ? renderPlan(plan, { shareZh: '家庭自付', shareEn: "Family's share", programme: vocab.byType.get(app.type) }) : null,
    job.inspections?.length ? [h('h3', { class: 'inspections-title' }, bi('此前验收', 'Earlier inspections')), renderInspections(job.inspections)] : null,
    h('div', { class: 'actions' }, buttons),
  );
}

/** Pass or fail the work, confirming first; a fail needs a note saying what to put right. */
async function inspect(app, passed, buttons) {
  const plan = app.job?.plan;
  const who = `${app.subject?.name ?? ''} · ${app.assignment?.providerName ?? ''}`;
  const note = passed
    ? await askDialog({
        titleZh: '验收通过？',
        titleEn: 'Pass the inspection?',
        textZh: `${who}：通过后申请办结，补贴 ${formatFen(plan?.subsidyFen)}按方案拨付施工单位，无法撤回。`,
        textEn: `The application is then complete and the plan's subsidy of ${yuanText(plan?.subsidyFen)} yuan is paid to the contractor; this cannot be undone.`,
        labelZh: '验收意见（选填）',
        labelEn: 'Note (optional)',
        confirmZh: '确认通过',
        confirmEn: 'Pass',
      })
    : await askDialog({
        titleZh: '验收不通过？',
        titleEn: 'Fail the inspection?',
        textZh: `${who}：工程将退回施工单位整改，整改后再次报验。`,
        textEn: 'The job goes back to the contractor to be put right and reported again.',
        labelZh: '需要整改的问题（施工单位和家庭都会看到）',
        labelEn: 'What must be put right (the contractor and the family read it)',
        required: true,
        confirmZh: '不通过',
        confirmEn: 'Fail',
        danger: true,
      });
  if (note === null) return;
  await runStaffAction(buttons, () => api.post(`/applications/${encodeURIComponent(app.id)}/inspection`, { passed, ...(note ? { note } : {}) }), {
    okZh: passed ? `验收通过：${app.subject?.name ?? ''}` : `验收不通过，已退回整改：${app.subject?.name ?? ''}`,
    okEn: passed ? 'Inspection passed.' : 'Inspection failed; returned to the contractor.',
    failZh: '验收结果未提交',
    failEn: 'Could not record the inspection',
  });
  loadInspections({ quiet: true });
  subsidies.reload({ quiet: true });
}

// ---------------------------------------------------------------------------------------------
// Monthly settlement (直补快办): statements per provider, approved once, paid from a CSV file
// ---------------------------------------------------------------------------------------------

/** A statement's status in staff's words (presentation only: the codes are the API's). */
const SETTLEMENT_STATUS = {
  COMPUTED: { zh: '待审批', en: 'Computed', tone: 'wait' },
  APPROVED: { zh: '已审批', en: 'Approved', tone: 'ok' },
};
/** How many months back the month chooser goes. */
const SETTLEMENT_MONTHS = 24;

const settleType = $('#settle-type');
const settleMonth = $('#settle-month');
const settlementDetail = $('#settlement-detail');
let shownSettlementId = null; // the statement open in the detail, if any

const settlements = pagedList({
  api,
  path: '/settlements',
  query: () => ({ month: settleMonth.value }),
  list: $('#settlements-list'),
  more: $('#settlements-more'),
  status: $('#settlements-status'),
  emptyZh: '该月还没有结算单。',
  emptyEn: 'No statements for this month yet.',
  renderItem: renderSettlementItem,
});

/** `YYYY-MM` of the month `back` months before the current one, China time. */
function monthBefore(back) {
  const [y, m] = chinaDay().slice(0, 7).split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - back, 1));
  return d.toISOString().slice(0, 7);
}

/** Every programme (settlement is not tied to rounds), and the months up to this one. */
function fillSettlementChoices() {
  const type = settleType.value || params.get('settle');
  replaceChildren(
    settleType,
    vocab.programmes.map((p) => h('option', { value: p.type }, `${p.nameZh} ${p.name}`)),
  );
  if (type && vocab.byType.has(type)) settleType.value = type;
  replaceChildren(
    settleMonth,
    Array.from({ length: SETTLEMENT_MONTHS }, (_, i) => {
      const month = monthBefore(i);
      const [y, m] = month.split('-');
      const en = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
      return h('option', { value: month }, i === 0 ? `${y}年${Number(m)}月（本月）${en} (this month)` : `${y}年${Number(m)}月 ${en}`);
    }),
  );
}

function showSettlementHeading() {
  replaceChildren($('#settlements-heading'), bi('结算单', 'Statements'), ' · ', formatMonth(settleMonth.value));
}

function reloadSettlements(opts) {
  showSettlementHeading();
  settlements.reload(opts);
}

settleMonth.addEventListener('change', () => {
  replaceChildren($('#settlement-result'));
  closeSettlement();
  reloadSettlements();
});
settleType.addEventListener('change', () => replaceChildren($('#settlement-result')));
$('#settlements-refresh').addEventListener('click', () => {
  reloadSettlements();
  if (shownSettlementId) openSettlement(shownSettlementId, { focus: false });
});

function renderSettlementItem(s) {
  const programme = vocab.byType.get(s.type);
  const open = h(
    'button',
    { type: 'button', class: 'btn btn-secondary btn-small settlement-open', 'aria-controls': 'settlement-detail' },
    bi('查看明细', 'View statement'),
  );
  open.addEventListener('click', () => openSettlement(s.id));
  return h(
    'li',
    { dataset: { settlementId: s.id }, 'aria-current': s.id === shownSettlementId ? 'true' : undefined },
    h('div', { class: 'item-head' }, h('p', { class: 'item-title' }, s.providerName ?? s.providerId), badge(SETTLEMENT_STATUS, s.status)),
    defList([
      ['服务项目', 'Programme', programme ? bi(programme.nameZh, programme.name) : s.type],
      ['服务记录', 'Records', bi(`${s.records} 条`, `${s.records} ${s.records === 1 ? 'record' : 'records'}`)],
      ['结算金额', 'Total', h('strong', { class: 'settlement-sum' }, bi(formatFen(s.totalFen), `${yuanText(s.totalFen)} yuan`))],
    ]),
    h('div', { class: 'actions' }, open),
  );
}

/** Mark the statement open in the detail in the list (border and aria-current). */
function markShown() {
  for (const li of document.querySelectorAll('#settlements-list > li')) {
    if (li.dataset.settlementId === shownSettlementId) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }
}

function closeSettlement() {
  shownSettlementId = null;
  replaceChildren(settlementDetail);
  markShown();
}

/** Read a statement and show it in the detail (GET /settlements/{id}). */
async function openSettlement(id, { focus = true } = {}) {
  shownSettlementId = id;
  markShown();
  replaceChildren(settlementDetail, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  try {
    const s = await api.get(`/settlements/${encodeURIComponent(id)}`);
    if (shownSettlementId !== id) return;
    showSettlement(s, { focus });
  } catch (err) {
    if (shownSettlementId !== id) return;
    replaceChildren(settlementDetail, staffErrorBox(err, { titleZh: '无法加载结算单', titleEn: 'Could not load the statement' }));
  }
}

/** Consecutive days as runs: ['2026-12-01', '2026-12-02', '2026-12-05'] → 1–2, 5. */
function dayRuns(dates) {
  const runs = [];
  for (const d of [...new Set(dates)].sort()) {
    const last = runs.at(-1);
    const next = last ? new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : undefined;
    if (last && next === d) last.to = d;
    else runs.push({ from: d, to: d });
  }
  return runs;
}

/** The days of a statement line, runs of days joined: "12月1日–3日、12月5日" over "1–3 Dec, 5 Dec". */
function datesText(dates) {
  const parts = (d) => ({ m: Number(d.slice(5, 7)), d: Number(d.slice(8, 10)), mon: new Date(`${d}T00:00:00Z`).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' }) });
  const runs = dayRuns(Array.isArray(dates) ? dates : []);
  const zh = runs
    .map(({ from, to }) => {
      const a = parts(from);
      const b = parts(to);
      if (from === to) return `${a.m}月${a.d}日`;
      return a.m === b.m ? `${a.m}月${a.d}日–${b.d}日` : `${a.m}月${a.d}日–${b.m}月${b.d}日`;
    })
    .join('、');
  const en = runs
    .map(({ from, to }) => {
      const a = parts(from);
      const b = parts(to);
      if (from === to) return `${a.d} ${a.mon}`;
      return a.m === b.m ? `${a.d}–${b.d} ${a.mon}` : `${a.d} ${a.mon}–${b.d} ${b.mon}`;
    })
    .join(', ');
  const days = new Set(dates ?? []).size;
  return days > 1 ? stacked(`${zh}（共 ${days} 天）`, `${en} (${days} days)`) : stacked(zh, en);
}

/** A statement: who is paid for what (one line per resident and rate), the total, and what can be done next. */
function showSettlement(s, { focus = true } = {}) {
  const programme = vocab.byType.get(s.type);
  const noun = programme?.providerNoun ?? { zh: '服务机构', en: 'provider' };
  const lines = Array.isArray(s.lines) ? s.lines : [];
  const buttons = [];
  if (s.status === 'COMPUTED') {
    const approve = h('button', { type: 'button', class: 'btn btn-ok settlement-approve' }, bi('审批', 'Approve'));
    approve.addEventListener('click', () => approveStatement(s, approve));
    buttons.push(approve);
  } else if (s.status === 'APPROVED') {
    const exportButton = h('button', { type: 'button', class: 'btn btn-primary settlement-export' }, bi('导出支付文件', 'Export payment file (CSV)'));
    exportButton.addEventListener('click', () => exportStatement(s, exportButton));
    buttons.push(exportButton);
  }
  const close = h('button', { type: 'button', class: 'btn btn-secondary settlement-close' }, bi('关闭', 'Close'));
  close.addEventListener('click', () => {
    const opener = document.querySelector(`#settlements-list > li[data-settlement-id="${CSS.escape(s.id)}"] .settlement-open`);
    closeSettlement();
    opener?.focus();
  });
  buttons.push(close);

  const title = h(
    'h3',
    { id: 'settlement-card-title', tabindex: -1 },
    bi('结算单', 'Statement'),
    ` · ${s.providerName ?? s.providerId} `,
    badge(SETTLEMENT_STATUS, s.status),
  );
  const card = h(
    'section',
    { class: 'card settlement-card', id: 'settlement-card', 'aria-labelledby': 'settlement-card-title', dataset: { status: s.status } },
    title,
    defList([
      ['服务项目', 'Programme', programme ? bi(programme.nameZh, programme.name) : s.type],
      ['结算月份', 'Month', formatMonth(s.month)],
      [noun.zh, noun.en.replace(/^./, (c) => c.toUpperCase()), s.providerName ?? null],
      ['服务记录', 'Records', bi(`${s.records} 条`, `${s.records} ${s.records === 1 ? 'record' : 'records'}`)],
      ['计算', 'Computed', h('span', {}, timeEl(s.createdAt), byMe(s.computedBy))],
      ['审批', 'Approved', s.approvedAt ? h('span', {}, timeEl(s.approvedAt), byMe(s.approvedBy)) : null],
    ]),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': '结算明细 Lines of the statement', tabindex: 0 },
      h(
        'table',
        { class: 'settlement-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, bi('服务对象', 'Resident')),
            h('th', { scope: 'col', class: 'text-col' }, bi('服务日期', 'Dates')),
            h('th', { scope: 'col' }, bi('数量', 'Quantity')),
            h('th', { scope: 'col' }, bi('补贴标准', 'Rate')),
            h('th', { scope: 'col', class: 'text-col' }, bi('政策版本', 'Policy')),
            h('th', { scope: 'col' }, bi('金额', 'Amount')),
          ),
        ),
        h(
          'tbody',
          {},
          lines.map((l) => {
            const q = quantityText(programme, l.units);
            const rate = rateText(programme, l.rateFen);
            return h(
              'tr',
              { dataset: { applicationId: l.applicationId } },
              h('th', { scope: 'row', class: 'settlement-subject' }, l.subjectMasked),
              h('td', { class: 'text-col settlement-dates' }, datesText(l.dates)),
              h('td', { class: 'plan-num' }, stacked(q.zh, q.en)),
              h('td', { class: 'plan-num' }, stacked(rate.zh, rate.en)),
              h('td', { class: 'text-col' }, policyText(vocab.byType.get(s.type), l.policyVersion)),
              h('td', { class: 'plan-num' }, stacked(formatFen(l.amountFen), `${yuanText(l.amountFen)} yuan`)),
            );
          }),
        ),
        h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'row', colspan: 5 }, bi('合计', 'Total')),
            h('td', { class: 'plan-num settlement-total-cell' }, stacked(formatFen(s.totalFen), `${yuanText(s.totalFen)} yuan`)),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'settlement-total' },
      bi(`应拨付${s.providerName ?? ''} ${formatFen(s.totalFen)}`, `Payable to the ${noun.en}: ${yuanText(s.totalFen)} yuan`),
    ),
    h(
      'p',
      { class: 'hint' },
      s.status === 'APPROVED'
        ? bi('已审批：请导出支付文件（CSV，可用 Excel 打开）交财务拨付。', 'Approved: export the payment file (CSV, opens in Excel) for the finance office to pay.')
        : bi('请核对明细后审批；审批后方可导出支付文件，且不能撤回。', 'Check the lines, then approve; the payment file can be exported once approved. Approval cannot be undone.'),
    ),
    h('div', { class: 'actions' }, buttons),
  );
  replaceChildren(settlementDetail, card);
  if (focus) {
    card.scrollIntoView({ block: 'start' });
    title.focus({ preventScroll: true });
  }
}

/** Compute the chosen programme's month, confirming first: it closes the month. */
$('#settle-compute').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  const programme = vocab.byType.get(settleType.value);
  const month = settleMonth.value;
  if (!programme || !month) return;
  const [y, m] = month.split('-');
  const monthZh = `${y}年${Number(m)}月`;
  const monthEn = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const current = month === chinaDay().slice(0, 7);
  const noun = programme.providerNoun ?? { zh: '服务机构', en: 'provider' };
  const ok = await askDialog({
    input: false,
    titleZh: `计算${programme.nameZh}${monthZh}结算单？`,
    titleEn: `${programme.name}: compute the statements for ${monthEn}?`,
    textZh: current
      ? `本月尚未结束。计算后本月即关账：各${noun.zh}不能再登记本月的服务，此后的服务不再计入补贴。每个项目每月只能计算一次，无法撤回。`
      : `计算后${monthZh}关账，各${noun.zh}不能再补登该月的服务。每个项目每月只能计算一次，无法撤回。`,
    textEn: current
      ? `This month is not over. Computing closes it now: the ${noun.en}s can record no more services for it, and later services this month are not subsidised. A programme's month is computed once; this cannot be undone.`
      : `${monthEn} then closes: the ${noun.en}s can record no more services for it. A programme's month is computed once; this cannot be undone.`,
    confirmZh: current ? '仍要计算并关账' : '计算并关账',
    confirmEn: current ? 'Compute and close the month anyway' : 'Compute and close the month',
    danger: current,
  });
  if (!ok) return;
  let created;
  await runStaffAction([button], async () => {
    created = (await api.post('/settlements', { type: programme.type, month }))?.items ?? [];
  }, {
    okZh: `已计算${programme.nameZh}${monthZh}结算单`,
    okEn: `${programme.name}: ${monthEn} computed.`,
    failZh: '结算单未计算',
    failEn: 'The statements were not computed',
  });
  if (created) {
    const total = created.reduce((sum, s) => sum + (s.totalFen ?? 0), 0);
    replaceChildren(
      $('#settlement-result'),
      h(
        'p',
        { class: created.length ? 'alert alert-info' : 'alert alert-info empty-month' },
        created.length
          ? bi(
              `${programme.nameZh}${monthZh}：${created.length} 份结算单，合计 ${formatFen(total)}，待审批。`,
              `${programme.name}, ${monthEn}: ${created.length} ${created.length === 1 ? 'statement' : 'statements'}, ${yuanText(total)} yuan in all, awaiting approval.`,
            )
          : bi(`${programme.nameZh}${monthZh}没有服务记录，未生成结算单；该月已关账。`, `${programme.name}, ${monthEn}: no services were recorded, so there are no statements; the month is closed.`),
      ),
    );
  }
  reloadSettlements({ quiet: Boolean(created) });
});

/** Approve a statement once, confirming first; the detail then offers its payment file. */
async function approveStatement(s, button) {
  const ok = await askDialog({
    input: false,
    titleZh: '审批这份结算单？',
    titleEn: 'Approve this statement?',
    textZh: `${s.providerName ?? ''} · ${s.month}：应拨付 ${formatFen(s.totalFen)}（${s.records} 条服务记录）。审批后可导出支付文件，不能撤回。`,
    textEn: `${yuanText(s.totalFen)} yuan for ${s.records} ${s.records === 1 ? 'record' : 'records'}. The payment file can then be exported; approval cannot be undone.`,
    confirmZh: '审批',
    confirmEn: 'Approve',
  });
  if (!ok) return;
  let approved;
  await runStaffAction([button], async () => {
    approved = await api.post(`/settlements/${encodeURIComponent(s.id)}/approve`, {});
  }, {
    okZh: `已审批结算单：${s.providerName ?? ''}，${formatFen(s.totalFen)}`,
    okEn: `Statement approved: ${yuanText(s.totalFen)} yuan.`,
    failZh: '结算单未审批',
    failEn: 'The statement was not approved',
  });
  // Approved here, or meanwhile by someone else (409): show it as it is now.
  if (approved && shownSettlementId === s.id) showSettlement(approved);
  else if (shownSettlementId === s.id) openSettlement(s.id);
  reloadSettlements({ quiet: true });
  // One-off subsidies (paid once) are settled by the approval.
  subsidies.reload({ quiet: true });
}

/** Fetch the payment file with the token and hand it to the browser as a download. */
async function exportStatement(s, button) {
  button.disabled = true;
  try {
    const { blob, filename } = await api.download(`/settlements/${encodeURIComponent(s.id)}/export`, { accept: 'text/csv' });
    const name = filename ?? `settlement-${s.month}-${s.providerId}.csv`;
    saveFile(blob, name);
    toast([`已导出支付文件：${name}`, `Payment file exported: ${name}`]);
  } catch (err) {
    toast(staffErrorBox(err, { titleZh: '支付文件未导出', titleEn: 'Could not export the payment file' }), 'error');
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Supply–demand report
// ---------------------------------------------------------------------------------------------

const FIGURES = [
  ['demand', '需求', 'Demand'],
  ['capacity', '容量', 'Capacity'],
  ['served', '已服务', 'Served'],
  ['unmet', '未满足', 'Unmet'],
  ['spare', '空余', 'Spare'],
];

const reportBox = $('#report');
const reportSort = $('#report-sort');
const reportType = $('#report-type');
let report = null; // the last report loaded
let previousTotals = null; // the totals before the last round, to highlight what changed
/** The last round's waiting counts: {type, before: {waiting, byStreet}, after: {waiting, byStreet}}. */
let roundChange = null;
let chartBox = null; // where the SVG goes; redrawn when its width changes
let chartWidth = 0;
const expandedStreets = new Set(); // kept across re-sorts and refreshes

/** The five figures of a street, grid or totals row, missing ones as 0. */
function figures(row) {
  const out = {};
  for (const [key] of FIGURES) out[key] = Number.isFinite(row?.[key]) ? row[key] : 0;
  return out;
}

function sortedStreets() {
  const streets = Array.isArray(report?.streets) ? [...report.streets] : [];
  const by = reportSort.value;
  if (by) streets.sort((a, b) => figures(b)[by] - figures(a)[by]);
  return streets;
}

/**
 * Load the chosen programme's report. `before`: the totals shown before a round, so that what
 * changed is highlighted ("未满足 46 → 12").
 */
async function loadReport({ before = null } = {}) {
  if (!report) replaceChildren(reportBox, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
  try {
    report = await api.get('/reports/supply-demand', { query: { type: reportType.value } });
    previousTotals = before;
    renderReport();
    return report;
  } catch (err) {
    report = null;
    chartBox = null;
    replaceChildren(
      reportBox,
      staffErrorBox(err, {
        titleZh: '供需报表暂时无法加载，请稍后点“刷新”重试。',
        titleEn: 'The supply–demand report could not be loaded: press Refresh in a moment.',
      }),
    );
    return null;
  }
}

/** The report's totals, as the totals boxes show them (for the before → after of a round). */
function reportTotals() {
  return report ? figures(report.totals ?? sumFigures(report.streets ?? [])) : null;
}

/** Per street, its grids numbered north-west to south-east: grid id → {n, lat, lng}. */
function gridNumbers(streets) {
  const out = new Map();
  for (const s of streets) {
    const grids = (Array.isArray(s.grids) ? s.grids : []).map((g) => {
      const m = /(-?\d+(?:\.\d+)?)N\s+(-?\d+(?:\.\d+)?)E\s*$/.exec(String(g.grid ?? ''));
      return { id: g.grid, lat: m ? Number(m[1]) : Number.NEGATIVE_INFINITY, lng: m ? Number(m[2]) : Number.POSITIVE_INFINITY };
    });
    grids.sort((a, b) => b.lat - a.lat || a.lng - b.lng || String(a.id).localeCompare(String(b.id)));
    grids.forEach((g, i) => {
      out.set(g.id, { n: i + 1, lat: g.lat, lng: g.lng });
    });
  }
  return out;
}

/** "仙林街道 3 号网格 · Xianlin Street, grid 3", where the grid lies in the title (tooltip). */
function gridLabel(street, grid) {
  const g = gridNumbers.cache?.get(grid);
  if (!g) return h('span', {}, street ?? '—');
  const where = Number.isFinite(g.lat) && Number.isFinite(g.lng) ? `约 1 公里见方，西南角 北纬${g.lat}° 东经${g.lng}° · about 1 km square` : '';
  return h('span', { class: 'grid-name', title: where || undefined }, bi(`${street} ${g.n} 号网格`, `${streetEn(street)}, grid ${g.n}`));
}

/** Words for "within reach": each programme's reach (walking distance, the streets served) is its own policy, named in the method below. */
function reachWords() {
  return { zh: '可达范围内', en: 'within reach' };
}

function renderReport() {
  const streets = sortedStreets();
  const totals = figures(report.totals ?? sumFigures(streets));
  const programme = vocab.byType.get(report.kind);
  const district = districtName(report.district);
  const unit = report.unit ?? programme?.capacity?.unit;
  gridNumbers.cache = gridNumbers(Array.isArray(report.streets) ? report.streets : []);

  chartBox = h('div', { class: 'chart' });
  replaceChildren(
    reportBox,
    h(
      'p',
      { class: 'meta report-meta' },
      bi(`${district.zh} · ${programme?.nameZh ?? ''}`, `${district.en} · ${programme?.name ?? ''}`),
      ' · ',
      bi(`生成于 ${formatDateTime(report.generatedAt)}`, `generated ${formatDateTime(report.generatedAt)}`),
      unit ? [' · ', bi(`单位：${unit.zh}`, `unit: ${unit.en}`)] : null,
      report.policyVersion ? [' · ', policyText(vocab.byType.get(report.kind), report.policyVersion)] : null,
    ),
    renderTotals(totals, previousTotals),
    explainUnmet(programme, totals),
    streets.length
      ? [
          h('h3', {}, bi('各街道需求与容量', 'Demand and capacity by street')),
          legend(),
          chartBox,
          h('h3', {}, bi('明细（点击街道查看网格）', 'Details (open a street to see its grids)')),
          renderTable(streets, totals),
        ]
      : h('p', { class: 'empty' }, bi('报表中没有街道数据。', 'The report has no streets.')),
    renderSpareProviders(programme),
    renderMethod(report, totals),
  );
  chartWidth = 0;
  drawChart();
}

/** The five totals; where a round changed one, "46 → 12" and a highlight. */
function renderTotals(totals, before) {
  return h(
    'ul',
    { class: 'totals', id: 'report-totals', 'aria-label': '合计 Totals' },
    FIGURES.map(([key, zh, en]) => {
      const was = before?.[key];
      const changed = typeof was === 'number' && was !== totals[key];
      return h(
        'li',
        { class: `t-${key}${changed ? ' changed' : ''}`, dataset: { figure: key } },
        h(
          'span',
          { class: 'num' },
          changed ? h('span', { class: 'was' }, `${was} → `) : null,
          String(totals[key]),
        ),
        bi(zh, en),
      );
    }),
    waitingChange()
      ? h(
          'li',
          { class: `t-waiting${waitingChange().before.waiting !== waitingChange().after.waiting ? ' changed' : ''}`, dataset: { figure: 'waiting' } },
          h('span', { class: 'num' }, h('span', { class: 'was' }, `${waitingChange().before.waiting} → `), String(waitingChange().after.waiting)),
          bi('排队（本轮前后）', 'Waiting (this round)'),
        )
      : null,
  );
}

/** The waiting counts before and after the last round of the report's programme, or null. */
function waitingChange() {
  return roundChange && report && roundChange.type === report.kind ? roundChange : null;
}

/** Unmet next to spare in plain words, and the naive per-area gap beside the optimal one. */
function explainUnmet(programme, totals) {
  const reach = reachWords(programme);
  const unit = report.unit ?? programme?.capacity?.unit ?? { zh: '个名额', en: 'places' };
  const naive = Number.isFinite(report.totals?.naiveUnmet) ? report.totals.naiveUnmet : null;
  return h(
    'div',
    { class: 'explain', id: 'unmet-explained' },
    h(
      'dl',
      { class: 'explain-list' },
      h('div', {}, h('dt', {}, bi('未满足', 'Unmet')), h('dd', {}, bi(
        `${reach.zh}没有任何名额能服务到的居民需求：再怎么调配，这些居民附近也没有空位。`,
        `Residents whom no place ${reach.en} can serve: however places are shared out, there is none near them.`,
      ))),
      h('div', {}, h('dt', {}, bi('空余', 'Spare')), h('dd', {}, bi(
        `${reach.zh}没有居民需要的名额：这些名额附近没有排队的人。`,
        `Places that no resident ${reach.en} needs: nobody waiting lives near them.`,
      ))),
    ),
    h(
      'p',
      { class: 'hint' },
      bi(
        '同一街道里未满足和空余可以同时都很大：需要服务的居民和有空位的地方相距太远。这时需要在缺口处增设服务点，而不是再做一轮分配。',
        'Both can be large in one street when the residents and the free places are far apart. The answer there is a new service point near the gap, not another round.',
      ),
    ),
    naive !== null ? naiveGap(naive, totals.unmet, unit) : null,
  );
}

/** "Counting street by street would say X; the best district-wide allocation leaves Y", and why they differ. */
function naiveGap(naive, unmet, unit) {
  const why =
    naive > unmet
      ? bi(
          '按街道相减会高估缺口：相邻街道的空位可以服务这些居民。',
          "Street by street overstates the gap: places in a neighbouring street can serve these residents.",
        )
      : naive < unmet
        ? bi(
            '按街道相减会低估缺口：街道里虽有名额，却离需要的居民太远。',
            'Street by street understates the gap: a street has places, but too far from the residents who need them.',
          )
        : null;
  return h(
    'div',
    { class: 'naive-gap', id: 'naive-gap' },
    h(
      'p',
      {},
      bi(
        `只按各街道分别计算（需求减去本街道的${unit.zh.replace(/^个/, '')}），会得出 ${naive} 未满足；按全区统筹的最优分配，实际未满足 ${unmet}。`,
        `Counting each street on its own (demand minus its own ${unit.en}) would say ${naive} unmet; the best district-wide allocation leaves ${unmet}.`,
      ),
    ),
    why ? h('p', { class: 'hint' }, why) : null,
  );
}

// How many providers with spare places show before "show all".
const SPARE_SHOWN = 6;

/** The providers with the most spare places: name, street, spare of capacity (the first few, then all on request). */
function renderSpareProviders(programme) {
  const list = Array.isArray(report.spareProviders) ? report.spareProviders : [];
  const n = noun(programme);
  const unit = report.unit ?? programme?.capacity?.unit ?? { zh: '个名额', en: 'places' };
  const items = list.map((p, i) =>
    h(
      'li',
      { dataset: { providerId: p.id }, hidden: i >= SPARE_SHOWN },
      h('span', { class: 'spare-name' }, p.name, h('span', { class: 'spare-street' }, streetLabel(p.street))),
      h('span', { class: 'spare-figure' }, bi(`空余 ${p.spare} / 共 ${p.capacity} ${unit.zh}`, `${p.spare} of ${p.capacity} spare`)),
    ),
  );
  let more = null;
  if (list.length > SPARE_SHOWN) {
    more = h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-small', 'aria-expanded': 'false', 'aria-controls': 'spare-list' },
      bi(`显示全部 ${list.length} 个`, `Show all ${list.length}`),
    );
    more.addEventListener('click', () => {
      const open = more.getAttribute('aria-expanded') !== 'true';
      more.setAttribute('aria-expanded', String(open));
      items.forEach((li, i) => {
        li.hidden = !open && i >= SPARE_SHOWN;
      });
      replaceChildren(more, open ? bi(`只显示前 ${SPARE_SHOWN} 个`, `Show the first ${SPARE_SHOWN}`) : bi(`显示全部 ${list.length} 个`, `Show all ${list.length}`));
    });
  }
  return h(
    'section',
    { class: 'spare-providers', id: 'spare-providers', 'aria-labelledby': 'spare-providers-title' },
    h('h3', { id: 'spare-providers-title' }, bi(`有空余的${n.zh}`, `${n.en.replace(/^./, (c) => c.toUpperCase())}s with spare ${unit.en}`)),
    list.length
      ? [
          h(
            'p',
            { class: 'hint' },
            bi(
              `最优分配后仍有空余的${n.zh}，空余多的在前（最多列出 20 个）。`,
              `Where ${unit.en} are left after the best allocation, most first (up to 20).`,
            ),
          ),
          h('ul', { class: 'spare-list', id: 'spare-list' }, items),
          more,
        ]
      : h('p', { class: 'empty' }, bi(`所有${n.zh}的名额都有人需要。`, `Every ${n.en}'s ${unit.en} are needed.`)),
  );
}

/** How "served" is computed, for those who ask (small print). */
function renderMethod(r, totals) {
  return h(
    'details',
    { class: 'method' },
    h('summary', {}, bi('计算方法', 'How this is computed')),
    r.methodZh ? h('p', { lang: 'zh-CN' }, r.methodZh) : null,
    r.method ? h('p', { lang: 'en', class: 'en' }, r.method) : null,
    Number.isFinite(r.boundServed) && r.boundServed !== totals.served
      ? h('p', { class: 'meta' }, bi(`理论上限（可拆分时）：${r.boundServed}`, `Upper bound if hours could be split: ${r.boundServed}`))
      : null,
  );
}

function sumFigures(rows) {
  const total = figures({});
  for (const row of rows) {
    const f = figures(row);
    for (const [key] of FIGURES) total[key] += f[key];
  }
  return total;
}

function legend() {
  const item = (cls, zh, en) => h('li', {}, h('span', { class: `swatch swatch-${cls}`, 'aria-hidden': 'true' }), bi(zh, en));
  return h(
    'ul',
    { class: 'legend', 'aria-label': '图例 Legend' },
    item('served', '已服务（需求中）', 'Served (of demand)'),
    item('unmet', '未满足（需求中）', 'Unmet (of demand)'),
    item('used', '已用容量', 'Capacity in use'),
    item('spare', '空余容量', 'Spare capacity'),
  );
}

/**
 * The chart: per street, its name (with unmet demand called out), then two horizontal bars on one
 * scale: demand = served + unmet, and capacity = in use + spare. Drawn in pixels for the box's
 * actual width, so text keeps its size on a phone; redrawn on resize.
 */
function drawChart() {
  if (!chartBox || !report) return;
  const style = getComputedStyle(chartBox);
  const inner = chartBox.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
  const width = Math.max(280, Math.floor(inner));
  if (width === chartWidth) return;
  chartWidth = width;

  const streets = sortedStreets();
  const LEFT = 2;
  const RIGHT = 130; // room for "60 容量 Capacity" after the longest bar
  const NAME_H = 24;
  const BAR_H = 22;
  const BAR_GAP = 4;
  const ROW_GAP = 16;
  const rowH = NAME_H + BAR_H * 2 + BAR_GAP + ROW_GAP;
  const barMax = Math.max(60, width - LEFT - RIGHT);
  const height = streets.length * rowH + 4;

  const max = Math.max(
    1,
    ...streets.map((s) => {
      const f = figures(s);
      return Math.max(f.demand, f.capacity, f.served + f.unmet, Math.max(0, f.capacity - f.spare) + f.spare);
    }),
  );
  const scale = (v) => (v / max) * barMax;

  const root = svg(
    'svg',
    {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'chart-title chart-desc',
    },
    svg('title', { id: 'chart-title' }, '各街道需求与容量 Demand and capacity by street'),
    svg(
      'desc',
      { id: 'chart-desc' },
      `${streets.length} 个街道，每个街道两条横条：需求（已服务 + 未满足）与容量（已用 + 空余）。数字见下方表格。` +
        ` ${streets.length} streets, each with two bars: demand (served + unmet) and capacity (in use + spare). Figures are in the table below.`,
    ),
    svg(
      'defs',
      {},
      svg(
        'pattern',
        { id: 'hatch-unmet', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 8, height: 8, class: 'hatch-bg' }),
        svg('rect', { width: 3, height: 8, class: 'hatch-fg' }),
      ),
    ),
  );

  streets.forEach((s, i) => {
    const f = figures(s);
    const used = Math.max(0, f.capacity - f.spare);
    const top = i * rowH;
    const yDemand = top + NAME_H;
    const yCapacity = yDemand + BAR_H + BAR_GAP;

    const name = svg('text', { x: LEFT, y: top + 17, class: 'street-name' }, s.street ?? '—');
    if (f.unmet > 0) {
      name.append(svg('tspan', { dx: 10, class: 'street-sub unmet-note' }, `未满足 Unmet ${f.unmet}`));
    }

    const g = svg(
      'g',
      {},
      svg(
        'title',
        {},
        `${s.street}: 需求 Demand ${f.demand}, 已服务 Served ${f.served}, 未满足 Unmet ${f.unmet}; ` +
          `容量 Capacity ${f.capacity}, 空余 Spare ${f.spare}`,
      ),
      name,
      // demand bar
      segment(LEFT, yDemand, scale(f.served), BAR_H, 'seg-served', f.served),
      segment(LEFT + scale(f.served), yDemand, scale(f.unmet), BAR_H, 'seg-unmet', f.unmet),
      barLabel(LEFT + Math.max(scale(f.served + f.unmet), scale(f.demand)) + 6, yDemand, BAR_H, f.demand, '需求 Demand'),
      // capacity bar
      segment(LEFT, yCapacity, scale(used), BAR_H, 'seg-used', used),
      segment(LEFT + scale(used), yCapacity, scale(f.spare), BAR_H, 'seg-spare', f.spare),
      barLabel(LEFT + Math.max(scale(used + f.spare), scale(f.capacity)) + 6, yCapacity, BAR_H, f.capacity, '容量 Capacity'),
      svg('line', { x1: LEFT, x2: LEFT, y1: yDemand - 2, y2: yCapacity + BAR_H + 2, class: 'axis' }),
    );
    root.append(g);
  });

  replaceChildren(chartBox, root);
}

/** One bar segment, with its number inside when it fits. */
function segment(x, y, w, hgt, cls, value) {
  if (w <= 0) return null;
  const g = svg('g', {}, svg('rect', { x, y, width: w, height: hgt, class: cls }));
  const text = String(value);
  if (w >= text.length * 8 + 8) {
    g.append(
      svg('text', { x: x + w / 2, y: y + hgt / 2 + 4, 'text-anchor': 'middle', class: `seg-label ${cls}-label` }, text),
    );
  }
  return g;
}

/** The total after a bar: "40 需求 Demand". */
function barLabel(x, y, hgt, total, what) {
  return svg(
    'text',
    { x, y: y + hgt / 2 + 5, class: 'bar-label' },
    svg('tspan', { 'font-weight': 700 }, String(total)),
    ` ${what}`,
  );
}

/** A street's grids in the order chosen (most unmet or demand first), else north-west to south-east; ties by number. */
function sortedGrids(street) {
  const grids = Array.isArray(street.grids) ? [...street.grids] : [];
  const by = reportSort.value;
  const number = (g) => gridNumbers.cache?.get(g.grid)?.n ?? 0;
  grids.sort((a, b) => (by ? figures(b)[by] - figures(a)[by] : 0) || number(a) - number(b));
  return grids;
}

function renderTable(streets, totals) {
  const change = waitingChange();
  const waitingCell = (street) => {
    if (!change) return null;
    const a = street === undefined ? change.before.waiting : (change.before.byStreet.get(street) ?? 0);
    const b = street === undefined ? change.after.waiting : (change.after.byStreet.get(street) ?? 0);
    return h('td', { class: a !== b ? 'changed waiting-cell' : 'waiting-cell' }, a !== b ? [h('span', { class: 'was' }, `${a} → `), String(b)] : String(b));
  };
  const cells = (row, street) => {
    const f = figures(row);
    return [
      FIGURES.map(([key]) => h('td', { class: key === 'unmet' && f.unmet > 0 ? 'unmet-positive' : undefined }, String(f[key]))),
      street === null ? (change ? h('td', {}) : null) : waitingCell(street),
    ];
  };

  const bodies = streets.map((s, i) => {
    const grids = sortedGrids(s);
    const open = expandedStreets.has(s.street);
    const rowIds = grids.map((_, j) => `grid-${i}-${j}`);
    const gridRows = grids.map((g, j) =>
      h('tr', { id: rowIds[j], class: 'grid-row', hidden: !open }, h('th', { scope: 'row' }, gridLabel(s.street, g.grid)), cells(g, null)),
    );
    let head = s.street ?? '—';
    if (grids.length) {
      head = h(
        'button',
        { type: 'button', class: 'toggle', 'aria-expanded': String(open), 'aria-controls': rowIds.join(' ') },
        h('span', { class: 'street-cell' }, h('span', { class: 'street-cell-name' }, s.street ?? '—'), h('span', { class: 'meta' }, bi(`${grids.length} 个网格`, `${grids.length} grids`))),
      );
      head.addEventListener('click', () => {
        const nowOpen = head.getAttribute('aria-expanded') !== 'true';
        head.setAttribute('aria-expanded', String(nowOpen));
        for (const row of gridRows) row.hidden = !nowOpen;
        if (nowOpen) expandedStreets.add(s.street);
        else expandedStreets.delete(s.street);
      });
    }
    return h('tbody', {}, h('tr', {}, h('th', { scope: 'row' }, head), cells(s, s.street)), gridRows);
  });

  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': '供需明细表 Supply and demand table', tabindex: 0 },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, bi('街道 / 网格', 'Street / grid')),
          FIGURES.map(([, zh, en]) => h('th', { scope: 'col' }, bi(zh, en))),
          change ? h('th', { scope: 'col' }, bi('排队（本轮前→后）', 'Waiting (before → after)')) : null,
        ),
      ),
      bodies,
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, bi('合计', 'Total')), cells(totals, undefined))),
    ),
  );
}

reportType.addEventListener('change', () => {
  roundChange = null;
  replaceChildren($('#allocation-result'));
  showProgramme();
});
reportSort.addEventListener('change', () => {
  if (report) renderReport();
});
$('#report-refresh').addEventListener('click', () => {
  if (hasReport(chosenProgramme())) loadReport();
  loadLatestRound();
});

function chosenProgramme() {
  return vocab.byType.get(reportType.value);
}

/**
 * The supply–demand report counts demand against places within walking distance, as the optimal
 * rounds allocate; programmes allocated by ranked preferences (stable rounds) have no such report.
 */
function hasReport(programme) {
  return programme?.roundMechanism === 'optimal';
}

/** The hint, the report (where there is one) and the latest round of the programme chosen. */
function showProgramme() {
  const programme = chosenProgramme();
  replaceChildren($('#round-hint'), roundHint(programme));
  if (hasReport(programme)) {
    report = null;
    loadReport();
  } else {
    report = null;
    chartBox = null;
    replaceChildren(
      reportBox,
      h(
        'p',
        { class: 'alert alert-info' },
        bi(
          `${programme?.nameZh ?? ''}按家庭填报的志愿和加分规则录取，不做按距离的供需分析；各${noun(programme).zh}各班的录取情况见上方分配结果。`,
          `${programme?.name ?? ''} are given by the families' ranked choices and priority points, so there is no distance-based supply–demand report: see each ${noun(programme).en}'s classes in the round above.`,
        ),
      ),
    );
  }
  loadLatestRound();
}

function noun(programme) {
  return programme?.providerNoun ?? { zh: '服务机构', en: 'provider' };
}

function roundHint(programme) {
  if (programme?.roundMechanism === 'stable') {
    return bi(
      `统筹分配按家庭填报的志愿顺序和加分规则录取（每个班先看加分，同分按本轮公开的抽签号），结果由家庭确认接受或放弃。`,
      "A round admits by each family's ranked choices and priority points (equal points go by the round's published lottery); families then take or leave their place.",
    );
  }
  return bi(
    '“已服务”按全区最优分配计算：在步行范围内服务人数最多，再按需求加权距离最短。统筹分配会把当前空位派给排队中的申请人。',
    '"Served" comes from the best district-wide allocation: most residents served within walking distance, then the least need-weighted distance. Allocating offers today\'s free places to waitlisted residents.',
  );
}

// A district-wide allocation round over the waitlist, then a fresh report. POST /allocation-rounds
// only starts the round (202 with its id: a large district takes longer than a request may last);
// the page polls GET /allocation-rounds/{id} every second until the round is COMPLETED.
const ROUND_POLL_MS = 1000;
// The allocateDistrict function's timeout: a round still RUNNING after that is being retried.
const ROUND_WAIT_MS = 15 * 60 * 1000;

async function waitForRound(id) {
  const deadline = Date.now() + ROUND_WAIT_MS;
  for (;;) {
    const round = await api.get(`/allocation-rounds/${encodeURIComponent(id)}`);
    if (round.status === 'COMPLETED') return round;
    if (Date.now() > deadline) {
      throw Object.assign(new Error('The round is still running: press Refresh later to see its outcome.'), {
        messageZh: '分配仍在进行中：请稍后点“刷新”查看结果。',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, ROUND_POLL_MS));
  }
}

// How far the page counts before a round: pages of 100 (a district's waitlist is a few thousand at most).
const COUNT_PAGES = 60;

/** Every item of a list endpoint (`{items, nextToken?}`), up to COUNT_PAGES pages; `more` when cut short. */
async function listAll(path, query) {
  const items = [];
  let nextToken;
  for (let page = 0; page < COUNT_PAGES; page++) {
    const body = await api.get(path, { query: { ...query, limit: 100, nextToken } });
    items.push(...(Array.isArray(body?.items) ? body.items : []));
    nextToken = body?.nextToken;
    if (!nextToken) return { items, more: false };
  }
  return { items, more: true };
}

/** What a round starts from: applications waiting, places free (and at how many providers). */
async function roundState(programme) {
  const [waiting, providers] = await Promise.all([
    listAll('/applications', { status: 'WAITLISTED', type: programme.type }),
    listAll('/providers', { kind: programme.type }),
  ]);
  const free = providers.items.reduce((sum, p) => sum + Math.max(0, Number(p.available) || 0), 0);
  const byStreet = new Map();
  for (const app of waiting.items) byStreet.set(app.street, (byStreet.get(app.street) ?? 0) + 1);
  return {
    waiting: waiting.items.length,
    waitingMore: waiting.more,
    byStreet,
    free,
    providersWithFree: providers.items.filter((p) => Number(p.available) > 0).length,
  };
}

/** "600" or "至少 600 at least 600" when the count was cut short. */
function countText(n, more) {
  return more ? { zh: `至少 ${n}`, en: `at least ${n}` } : { zh: String(n), en: String(n) };
}

/**
 * A round offers places at once to everyone waiting: staff confirm first (no one-tap rounds), told
 * in words what it will do: the programme, the district, how many wait, how many places are free,
 * and who receives the offers.
 */
function confirmRound(programme, state) {
  const n = noun(programme);
  const district = districtName(claims.district);
  const unit = programme?.capacity?.unit ?? { zh: '个名额', en: 'places' };
  const hours = programme?.figures?.offerResponseHours;
  const stable = programme?.roundMechanism === 'stable';
  const waiting = countText(state.waiting, state.waitingMore);
  const facts = {
    zh: `${district.zh}${programme.nameZh}：目前 ${waiting.zh} 份申请在排队，${state.providersWithFree} 个${n.zh}共空余 ${state.free} ${unit.zh}。`,
    en: `${programme.name} in ${district.en}: ${waiting.en} ${state.waiting === 1 ? 'application is' : 'applications are'} waiting; ${state.providersWithFree} ${n.en}s have ${state.free} ${unit.en} free.`,
  };
  const how = stable
    ? {
        zh: '系统将按家庭填报的志愿和加分规则统一录取（同分按本轮公开的抽签号）。',
        en: "Places are given by the families' ranked choices and priority points (equal points by this round's published lottery).",
      }
    : {
        zh: `系统将把空余名额一次性分给${reachWords(programme).zh}能服务到的排队者。`,
        en: `The free places go at once to those waiting whom a place ${reachWords(programme).en} can serve.`,
      };
  const whom = familyAnswers(programme)
    ? {
        zh: `录取通知发给家庭，家庭需在${hours ? ` ${hours} 小时` : '截止时间'}内确认接受或放弃。`,
        en: `Offers go to the families, who accept or decline${hours ? ` within ${hours} hours` : ' by the deadline'}.`,
      }
    : {
        zh: `派单发给各${n.zh}，由${n.zh}在${hours ? ` ${hours} 小时` : '截止时间'}内确认接单。`,
        en: `Offers go to the ${n.en}s, which confirm${hours ? ` within ${hours} hours` : ' by the deadline'}.`,
      };
  return askDialog({
    input: false,
    titleZh: `开始${programme.nameZh}全区统筹分配？`,
    titleEn: `Run a district-wide round for ${programme.name.toLowerCase()}?`,
    textZh: `${facts.zh}${how.zh}${whom.zh}发出后无法撤回。`,
    textEn: `${facts.en} ${how.en} ${whom.en} This cannot be undone.`,
    confirmZh: '开始分配',
    confirmEn: 'Start the round',
  });
}

/** The round against the state before it: waiting before → after, offered, still waiting, free places. */
function renderComparison(programme, before, after, round) {
  const n = noun(programme);
  const free = programme?.capacity?.free ?? { zh: '空余名额', en: 'places free' };
  const waitingBefore = countText(before.waiting, before.waitingMore);
  const offers = familyAnswers(programme)
    ? { zh: '已发录取通知（发给家庭）', en: 'Offers made (to families)' }
    : { zh: `已派单（发给${n.zh}）`, en: `Offers made (to the ${n.en}s)` };
  const row = (id, zh, en, value, changed) =>
    h('div', { class: changed ? 'changed' : undefined, dataset: { figure: id } }, h('dt', {}, bi(zh, en)), h('dd', {}, value));
  const arrow = (a, b) => h('span', {}, h('span', { class: 'was' }, `${a} → `), h('strong', {}, String(b)));
  return h(
    'section',
    { class: 'card round-compare', id: 'round-compare', 'aria-labelledby': 'round-compare-title', tabindex: -1 },
    h('h3', { id: 'round-compare-title' }, bi('本轮分配前后对比', 'Before and after this round')),
    h(
      'dl',
      { class: 'deflist compare-list' },
      row('waiting', '排队申请', 'Applications waiting', arrow(waitingBefore.zh, round.stillWaiting), before.waiting !== round.stillWaiting),
      row('offered', offers.zh, offers.en, h('strong', {}, String(round.offered)), round.offered > 0),
      row('still-waiting', '仍在排队', 'Still waiting', h('strong', {}, String(round.stillWaiting)), false),
      after ? row('free', free.zh, free.en.replace(/^./, (c) => c.toUpperCase()), arrow(before.free, after.free), before.free !== after.free) : null,
      round.conflicts ? row('conflicts', '期间被他人占用', 'Taken meanwhile', String(round.conflicts), false) : null,
    ),
    h(
      'p',
      { class: 'hint' },
      round.stillWaiting > 0
        ? bi(
            `仍在排队的 ${round.stillWaiting} 份申请附近暂无空位；有名额空出或新增服务点后可再做一轮。`,
            `The ${round.stillWaiting} still waiting have no free place near them; run another round once places free up or a new point opens.`,
          )
        : bi('所有排队的申请都已分配。', 'Everyone waiting has been offered a place.'),
    ),
  );
}

$('#allocate').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  const programme = chosenProgramme();
  if (!programme) return;
  const resultBox = $('#allocation-result');
  button.disabled = true;
  replaceChildren(resultBox, h('p', { class: 'meta' }, bi('正在统计排队人数和空余名额…', 'Counting who is waiting and the places free…')));
  let before;
  try {
    before = await roundState(programme);
  } catch (err) {
    replaceChildren(resultBox, staffErrorBox(err, { titleZh: '无法统计排队情况，请稍后重试。', titleEn: 'Could not count who is waiting: try again in a moment.' }));
    button.disabled = false;
    return;
  }
  replaceChildren(resultBox);
  button.disabled = false;
  const totalsBefore = hasReport(programme) && report?.kind === programme.type ? reportTotals() : null;
  if (!(await confirmRound(programme, before))) {
    button.focus();
    return;
  }
  let result;
  const ok = await runStaffAction([button], async () => {
    const started = await api.post('/allocation-rounds', { type: programme.type });
    replaceChildren(resultBox, h('p', { class: 'meta' }, bi('正在全区统筹分配…', 'Allocating district-wide…')));
    try {
      result = await waitForRound(started.id);
    } finally {
      replaceChildren(resultBox);
    }
  }, { okZh: '统筹分配已完成', okEn: 'Allocation round done.', failZh: '统筹分配未成功，请稍后重试', failEn: 'The round did not run: try again in a moment' });
  if (!ok || !result) return;
  const after = await roundState(programme).catch(() => null);
  roundChange = after ? { type: programme.type, before, after } : null;
  const card = renderComparison(programme, before, after, result);
  replaceChildren(resultBox, card);
  // Stable rounds show their lottery seed and cutoffs; an optimal round's figures are all in the card.
  replaceChildren($('#latest-round'), programme.roundMechanism === 'stable' ? renderRound(result, programme, { fresh: true }) : null);
  if (hasReport(programme)) {
    await loadReport({ before: totalsBefore });
    const now = reportTotals();
    if (totalsBefore && now && FIGURES.every(([key]) => now[key] === totalsBefore[key])) {
      card.append(
        h(
          'p',
          { class: 'hint', id: 'report-unchanged' },
          bi(
            '下方报表的需求、容量、已服务、未满足和空余没有变化：报表按全部名额（包括已占用的）计算全区最优分配，本轮只是把其中的空位实际派给了排队者。排队人数的变化见报表合计和明细表的“排队”一栏。',
            'Demand, capacity, served, unmet and spare below are unchanged: the report counts the best allocation over every place (taken or not), and this round handed out the free ones to those waiting. The change in who is waiting is in the totals and in the table\'s "Waiting" column.',
          ),
        ),
      );
    }
  }
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: 'start' });
});

let latestGen = 0;

/** The chosen programme's latest round of the district (newest first in GET /allocation-rounds). */
async function loadLatestRound() {
  const gen = ++latestGen;
  const programme = chosenProgramme();
  const box = $('#latest-round');
  if (!programme) return replaceChildren(box);
  try {
    const page = await api.get('/allocation-rounds');
    const latest = (Array.isArray(page?.items) ? page.items : []).find((r) => r.type === programme.type);
    // The list leaves out the cutoffs: read the round itself.
    const round = latest?.status === 'COMPLETED' ? await api.get(`/allocation-rounds/${encodeURIComponent(latest.id)}`) : latest;
    if (gen !== latestGen) return;
    replaceChildren(box, round ? renderRound(round, programme, { fresh: false }) : null);
  } catch (err) {
    if (gen !== latestGen) return;
    replaceChildren(box, staffErrorBox(err, { titleZh: '无法加载最近一轮分配', titleEn: 'Could not load the latest round' }));
  }
}

/** One round: its figures, and for stable rounds the lottery seed and each class's cutoff. */
function renderRound(round, programme, { fresh }) {
  const stable = programme?.roundMechanism === 'stable' || typeof round.lotterySeed === 'number';
  const heading = fresh
    ? bi('本轮分配结果', 'This round')
    : bi(`最近一轮分配（${formatDateTime(round.createdAt)}）`, `Latest round (${formatDateTime(round.createdAt)})`);
  if (round.status !== 'COMPLETED') {
    return h('section', { class: 'card round-card' }, h('h3', {}, heading), h('p', {}, bi('该轮仍在进行中。', 'This round is still running.')));
  }
  return h(
    'section',
    { class: 'card round-card', id: 'round-result', 'aria-label': '分配结果 Round outcome' },
    h('h3', {}, heading),
    defList([
      ['排队人数', 'On the waitlist', String(round.considered)],
      stable ? ['可录取', 'Places found', String(round.planned)] : ['最优方案可安排', 'Places in the optimal plan', String(round.planned)],
      familyAnswers(programme) ? ['已发出录取通知', 'Offers made', String(round.offered)] : ['已派单', 'Offers made', String(round.offered)],
      ['期间被占用的名额', 'Places taken meanwhile', String(round.conflicts)],
      ['仍在排队', 'Still waiting', String(round.stillWaiting)],
      stable
        ? ['录取志愿序号之和', 'Sum of offered choices', h('span', {}, String(round.objective), ' ', h('span', { class: 'meta' }, bi('（第1志愿记1，越小越好）', '(1st choice counts 1; lower is better)')))]
        : null,
      ['依据', 'Policy', round.policyVersion ? policyText(programme ?? vocab.byType.get(round.type), round.policyVersion) : null],
    ].filter(Boolean)),
    typeof round.lotterySeed === 'number'
      ? h(
          'p',
          { class: 'lottery-seed', id: 'lottery-seed' },
          h('span', { lang: 'zh-CN' }, '本轮抽签种子 '),
          h('span', { lang: 'en', class: 'en' }, 'Lottery seed'),
          ': ',
          h('code', {}, String(round.lotterySeed)),
          ' — ',
          bi('任何人可据此复核', 'anyone can re-run it'),
        )
      : null,
    Array.isArray(round.cutoffs) ? renderCutoffs(round.cutoffs, programme) : null,
  );
}

/** A class as the table shows it: the Chinese label in full, the English without its age range. */
function classCell(programme, code) {
  const l = classLabel(programme, code);
  return l ? bi(l.zh, l.en.replace(/\s*\(.*\)\s*$/, '')) : String(code ?? '—');
}

/** Per provider and class: places free, children admitted, and the lowest priority admitted. */
function renderCutoffs(cutoffs, programme) {
  const n = noun(programme);
  const byProvider = new Map();
  for (const c of cutoffs) {
    if (!byProvider.has(c.providerId)) byProvider.set(c.providerId, { name: c.providerName, rows: [] });
    byProvider.get(c.providerId).rows.push(c);
  }
  const bodies = [...byProvider.values()].map(({ name, rows }) => {
    rows.sort((a, b) => classOrder(programme, a.capacityClass) - classOrder(programme, b.capacityClass));
    return h(
      'tbody',
      {},
      rows.map((c, i) =>
        h(
          'tr',
          { class: c.cutoff ? 'full' : undefined, dataset: { provider: c.providerId, class: c.capacityClass } },
          i === 0 ? h('th', { scope: 'rowgroup', rowspan: rows.length }, name) : null,
          h('td', { class: 'class-cell' }, classCell(programme, c.capacityClass)),
          h('td', {}, String(c.places)),
          h('td', {}, String(c.admitted)),
          h(
            'td',
            { class: 'cutoff-cell' },
            c.cutoff
              ? bi(`${c.cutoff.points} 分 · 抽签号 ${formatLottery(c.cutoff.lottery)}`, `${c.cutoff.points} points · lottery ${formatLottery(c.cutoff.lottery)}`)
              : h('span', { class: 'not-full' }, bi('未满', 'not full')),
          ),
        ),
      ),
    );
  });
  return [
    h('h4', { id: 'cutoffs-title' }, bi(`各${n.zh}各班录取分数线`, `Cutoffs by ${n.en} and class`)),
    h(
      'p',
      { class: 'hint' },
      bi(
        '班满时列出最低录取的加分和抽签号（同分时抽签号小者优先）；未满的班没有分数线。',
        'Where a class filled, the lowest points admitted and its lottery number (lower wins among equal points); classes with places left have no cutoff.',
      ),
    ),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-labelledby': 'cutoffs-title', tabindex: 0 },
      h(
        'table',
        { class: 'cutoffs', id: 'cutoffs' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, bi(n.zh, n.en.replace(/^./, (ch) => ch.toUpperCase()))),
            h('th', { scope: 'col', class: 'class-cell' }, bi('班级', 'Class')),
            h('th', { scope: 'col' }, bi('空余名额', 'Places free')),
            h('th', { scope: 'col' }, bi('录取', 'Admitted')),
            h('th', { scope: 'col' }, bi('最低录取', 'Cutoff')),
          ),
        ),
        bodies,
      ),
    ),
  ];
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(drawChart, 150);
});

// ---------------------------------------------------------------------------------------------

/** "全部 All" and every status of the vocabulary, keeping the current choice. */
function fillStatusFilter(select, table) {
  const current = select.value;
  replaceChildren(
    select,
    Object.entries(table).map(([code, s]) => h('option', { value: code }, `${s.zh} ${s.en}`)),
    h('option', { value: '' }, '全部 All'),
  );
  select.value = current;
}

/** Every programme with district-wide allocation rounds (and so a supply–demand report). */
function fillProgrammes() {
  const wanted = reportType.value || params.get('type');
  replaceChildren(
    reportType,
    vocab.programmes
      .filter((p) => p.rounds)
      .map((p) => h('option', { value: p.type }, `${p.nameZh} ${p.name}`)),
  );
  if (wanted && vocab.byType.get(wanted)?.rounds) reportType.value = wanted;
}

/** "栖霞区 Qixia District" for a district code (never the code itself). */
function districtName(code) {
  const d = vocab.districts[code];
  return d ? { zh: d.zh, en: d.en } : { zh: '本辖区', en: 'your district' };
}

async function start() {
  try {
    const { api: signedIn, session } = await startPage({ role: 'staff', titleZh: '区民政工作台', titleEn: 'District civil-affairs console' });
    client = signedIn;
    claims = { ...claims, ...session.claims };
    await loadVocabulary(api);
  } catch (err) {
    replaceChildren(
      $('#signin-status'),
      staffErrorBox(err, { titleZh: '登录未成功，请刷新页面重试；仍不行请重新登录。', titleEn: 'Signing in did not work: reload the page, or sign in again.' }),
    );
    return;
  }
  const district = districtName(claims.district);
  replaceChildren($('#district-line'), bi(`辖区：${district.zh}`, `District: ${district.en}`));
  fillStatusFilter(subsidyFilter, vocab.subsidyStatus);
  fillProgrammes();
  fillSettlementChoices();
  subsidies.reload();
  loadInspections();
  reloadSettlements();
  // Background refresh of the queue: skipped while the tab is hidden or a dialog is open.
  setInterval(() => {
    if (document.hidden || document.querySelector('dialog[open]')) return;
    loadInspections({ quiet: true });
  }, INSPECTIONS_REFRESH_MS);
  showProgramme();
}

start();
