// Shared code for the Huimin (惠民) static pages: index.html (families), staff.html (district
// staff) and provider.html (providers). Plain ES module, no build step, no dependencies.
//
// What lives here:
//   - identity: demo tokens from the local stack's POST /local/token, cached per identity;
//   - createApi(): a fetch wrapper that sends the bearer token and turns every error answer into an
//     ApiError carrying the contract's {code, message, messageZh, issues, requestId};
//   - the programmes and their vocabulary (statuses, relationships, districts, subsidy units) from
//     GET /programmes, with helpers to label needs by the programme's own needsFields;
//   - formatting (dates in Beijing time, distances, money, countdowns), and for service records
//     and monthly settlement: the day in China, quantities and rates in a programme's subsidy unit,
//     and saving a file fetched with the token (a payment file) as a download;
//   - small DOM helpers: h()/svg() element builders (text only, never innerHTML with server data),
//     error boxes, toasts, accessible confirm/prompt dialogs and a paged list that follows nextToken.

// ---------------------------------------------------------------------------------------------
// Labels: from GET /programmes, never copied here
// ---------------------------------------------------------------------------------------------

// Presentation only: `tone` picks the badge colour in style.css. The words come from the API's
// vocabulary; the text always carries the meaning as well, so no information is given by colour alone.
const TONES = {
  application: {
    SUBMITTED: 'info',
    AWAITING_APPROVAL: 'wait',
    MATCHING: 'info',
    OFFERED: 'wait',
    ACTIVE: 'ok',
    COMPLETED: 'ok',
    WAITLISTED: 'queue',
    INELIGIBLE: 'bad',
    REJECTED: 'bad',
    CANCELLED: 'muted',
  },
  assignment: { OFFERED: 'wait', ACCEPTED: 'info', COMPLETED: 'ok', DECLINED: 'bad', EXPIRED: 'muted', CANCELLED: 'muted' },
  subsidy: { PENDING: 'wait', APPROVED: 'ok', REJECTED: 'bad', SETTLED: 'muted', CANCELLED: 'muted' },
};

/**
 * Everything the pages label or list, filled by loadVocabulary() from `GET /programmes`:
 *   programmes        the items, in the API's order (open and closed)
 *   byType            Map type → programme
 *   applicationTypes  type → {zh, en}
 *   applicationStatus · assignmentStatus · subsidyStatus   code → {zh, en, tone}
 *   terminal          Set of application statuses after which nothing changes (polling stops there)
 *   relationships     code → {zh, en}
 *   districts         code → {zh, en, streets: [{name, nameEn, location}]}
 *   districtList      the districts in the API's order
 *   subsidyUnits      subsidy unit code → {zh, en} (e.g. "元/小时", "yuan per hour")
 * The tables are empty until loaded; label() and badge() then show raw codes.
 */
export const vocab = {
  programmes: [],
  byType: new Map(),
  applicationTypes: {},
  applicationStatus: {},
  assignmentStatus: {},
  subsidyStatus: {},
  terminal: new Set(),
  relationships: {},
  districts: {},
  districtList: [],
  subsidyUnits: {},
};

function codeTable(entries, tones = {}) {
  const table = {};
  for (const e of Array.isArray(entries) ? entries : []) {
    table[e.code] = { zh: e.zh, en: e.en, tone: tones[e.code] ?? 'muted' };
  }
  return table;
}

/** Load (once per page) the programmes and the vocabulary into `vocab`; resolves to `vocab`. */
export async function loadVocabulary(api) {
  const body = await api.get('/programmes');
  const items = Array.isArray(body?.items) ? body.items : [];
  const v = body?.vocabulary ?? {};
  vocab.programmes = items;
  vocab.byType = new Map(items.map((p) => [p.type, p]));
  vocab.applicationTypes = Object.fromEntries(items.map((p) => [p.type, { zh: p.nameZh, en: p.name }]));
  vocab.applicationStatus = codeTable(v.applicationStatuses, TONES.application);
  vocab.assignmentStatus = codeTable(v.assignmentStatuses, TONES.assignment);
  vocab.subsidyStatus = codeTable(v.subsidyStatuses, TONES.subsidy);
  vocab.terminal = new Set((v.applicationStatuses ?? []).filter((s) => s.terminal).map((s) => s.code));
  vocab.relationships = codeTable(v.relationships);
  vocab.districtList = Array.isArray(v.districts) ? v.districts : [];
  vocab.districts = Object.fromEntries(vocab.districtList.map((d) => [d.code, d]));
  vocab.subsidyUnits = Object.fromEntries(items.filter((p) => p.subsidyUnit).map((p) => [p.subsidyUnit.code, p.subsidyUnit.label]));
  return vocab;
}

/** The needs field of a programme with this name, if any. */
export function needsField(programme, name) {
  return (programme?.needsFields ?? []).find((f) => f.name === name);
}

/** Whether a programme's providers record visits (GET /programmes says so, with the policy's limits). */
export function recordsVisits(programme) {
  return Boolean(programme?.visits);
}

/** The bilingual label of one option value of a needs field (unknown values shown as they are). */
export function optionLabel(field, value) {
  const option = (field?.options ?? []).find((o) => o.value === value);
  return option ? bi(option.label.zh, option.label.en) : h('span', {}, String(value));
}

/**
 * The needs of an application or assignment as defList() rows, labelled by the programme's
 * needsFields: multi → tags, choice → the option's label, integer → number with its unit,
 * boolean → 是/否, month → 2027年1月, ranked-providers → numbered choices (第1志愿 …).
 * `providerNames`: Map id → name for ranked providers (ids are shown until names are known).
 * `skipKinds`: field kinds left out (a provider is not shown where else a family applied).
 */
export function needsRows(programme, needs, { providerNames, skipKinds = [] } = {}) {
  if (!needs || typeof needs !== 'object') return [];
  return (programme?.needsFields ?? [])
    .filter((field) => !skipKinds.includes(field.kind))
    .map((field) => {
      const value = needs[field.name];
      let shown = null;
      if (field.kind === 'multi') {
        shown = Array.isArray(value) && value.length
          ? h('span', { class: 'tags' }, value.map((x) => h('span', { class: 'tag' }, optionLabel(field, x))))
          : bi('无', 'None');
      } else if (field.kind === 'choice') {
        shown = value === undefined || value === null ? null : optionLabel(field, value);
      } else if (field.kind === 'boolean') {
        shown = typeof value === 'boolean' ? (value ? bi('是', 'Yes') : bi('否', 'No')) : null;
      } else if (field.kind === 'month') {
        shown = typeof value === 'string' ? formatMonth(value) : null;
      } else if (field.kind === 'ranked-providers') {
        shown = Array.isArray(value) && value.length
          ? h(
              'ol',
              { class: 'choice-list' },
              value.map((id, i) => h('li', {}, h('span', { class: 'choice-rank' }, choiceLabel(i + 1)), ' ', providerNames?.get(id) ?? id)),
            )
          : null;
      } else if (value !== undefined && value !== null) {
        shown = field.unit ? `${value} ${field.unit.zh} ${value} ${field.unit.en}` : String(value);
      }
      return [field.label.zh, field.label.en, shown];
    });
}

/** "第1志愿 1st choice": the rank of a ranked preference, 1 = most wanted. */
export function choiceLabel(rank) {
  const suffix = rank % 10 === 1 && rank % 100 !== 11 ? 'st' : rank % 10 === 2 && rank % 100 !== 12 ? 'nd' : rank % 10 === 3 && rank % 100 !== 13 ? 'rd' : 'th';
  return bi(`第${rank}志愿`, `${rank}${suffix} choice`);
}

/** "2027年1月 January 2027" for a YYYY-MM month (other text is shown as it is). */
export function formatMonth(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(month ?? ''));
  if (!m) return String(month ?? '—');
  const en = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return bi(`${m[1]}年${Number(m[2])}月`, en);
}

/**
 * The label {zh, en} of one of a programme's capacity classes (childcare: its age classes), from
 * GET /programmes `capacity.classes` (or the policy figures' classes); undefined when unknown.
 */
export function classLabel(programme, code) {
  const fromCapacity = (programme?.capacity?.classes ?? []).find((c) => c.code === code)?.label;
  if (fromCapacity) return fromCapacity;
  const figures = programme?.figures ?? {};
  for (const list of Object.values(figures)) {
    if (!Array.isArray(list)) continue;
    const found = list.find((c) => c && typeof c === 'object' && c.code === code && c.label?.zh);
    if (found) return found.label;
  }
  return undefined;
}

/** A class label as bilingual text, the raw code when the programme does not name it. */
export function classText(programme, code) {
  const l = classLabel(programme, code);
  return l ? bi(l.zh, l.en) : h('span', {}, String(code ?? '—'));
}

/** The position of a class among the programme's classes (for sorting tables in its own order). */
export function classOrder(programme, code) {
  const i = (programme?.capacity?.classes ?? []).findIndex((c) => c.code === code);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/** A lottery number as people read it: 0.9004167 → "0.9004". */
export function formatLottery(n) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(4) : '—';
}

/** Whether the family (not the provider) takes or leaves an offer of this programme. */
export function familyAnswers(programme) {
  return programme?.offerAnsweredBy === 'family';
}

/**
 * What one unit of the programme's capacity is called, without its measure word: the capacity
 * unit "个托位" gives "托位"; "名额" (a place) when the unit is not counted in "个…".
 */
export function placeWord(programme) {
  const unit = programme?.capacity?.unit?.zh ?? '';
  return unit.startsWith('个') && unit.length > 1 ? unit.slice(1) : '名额';
}

const directories = new Map(); // `${type} ${district}` → Promise of the directory's items

/**
 * GET /programmes/{type}/providers?district=: the providers a family chooses among (name, street,
 * location, declared places per class). Cached per programme and district for the page's life;
 * a failed load is forgotten so the next call tries again.
 */
export function loadDirectory(api, programme, district) {
  const key = `${programme.type} ${district}`;
  let loading = directories.get(key);
  if (!loading) {
    loading = api
      .get(`/programmes/${encodeURIComponent(programme.type)}/providers`, { query: { district } })
      .then((body) => (Array.isArray(body?.items) ? body.items : []));
    loading.catch(() => directories.delete(key));
    directories.set(key, loading);
  }
  return loading;
}

/** "14 小时/月 14 hours a month": an amount in the programme's capacity unit. */
export function formatUnits(programme, units) {
  if (typeof units !== 'number') return null;
  const unit = programme?.capacity?.unit;
  return unit ? `${formatNumber(units)} ${unit.zh} · ${formatNumber(units)} ${unit.en}` : formatNumber(units);
}

/** 14 → "14", 1.5 → "1.5", 1.3333 → "1.33". */
export function formatNumber(n) {
  return typeof n === 'number' && Number.isFinite(n) ? String(Math.round(n * 100) / 100) : '—';
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers
// ---------------------------------------------------------------------------------------------

/**
 * Build an element. `attrs`: `class`, `text`, `dataset` (object), `on<event>` handlers, boolean
 * attributes (true → present, false/null/undefined → absent), anything else via setAttribute.
 * Children: nodes, strings (as text), arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Same as h() for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') el.textContent = String(value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Chinese text with its English beside it: `申请人姓名 Applicant name`. */
export function bi(zh, en, tag = 'span') {
  return h(tag, { class: 'bi' }, h('span', { lang: 'zh-CN' }, zh), ' ', h('span', { lang: 'en', class: 'en' }, en));
}

/** A bilingual label from one of the label tables above; unknown keys are shown as they are. */
export function label(table, key) {
  const entry = table[key];
  return entry ? bi(entry.zh, entry.en) : h('span', {}, String(key ?? '—'));
}

/** A status badge (text + colour) from one of the status tables. */
export function badge(table, status) {
  const entry = table[status];
  if (!entry) return h('span', { class: 'badge badge-muted' }, String(status ?? '—'));
  return h(
    'span',
    { class: `badge badge-${entry.tone}`, dataset: { status } },
    h('span', { lang: 'zh-CN' }, entry.zh),
    ' ',
    h('span', { lang: 'en', class: 'en' }, entry.en),
  );
}

/**
 * A description list from rows `[zh, en, value]` (value: node or text); rows whose value is
 * null/undefined/'' are left out.
 */
export function defList(rows) {
  return h(
    'dl',
    { class: 'deflist' },
    rows
      .filter(([, , value]) => value !== null && value !== undefined && value !== '')
      .map(([zh, en, value]) => h('div', {}, h('dt', {}, bi(zh, en)), h('dd', {}, value))),
  );
}

/** Replace all children of `el`. */
export function replaceChildren(el, ...children) {
  el.textContent = '';
  append(el, children);
}

/** Say something to screen-reader users through the page's polite live region (#live). */
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  // Clearing first makes repeated identical messages be read again.
  live.textContent = '';
  setTimeout(() => {
    live.textContent = text;
  }, 50);
}

/** The page's query string as an object-like URLSearchParams. */
export function pageParams() {
  return new URLSearchParams(location.search);
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** "2026/11/27 20:00" in Beijing time, or "—". */
export function formatDateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : DATE_TIME.format(date);
}

/** A <time> element with the Beijing-time text and the machine-readable value. */
export function timeEl(iso) {
  return h('time', { datetime: iso ?? undefined }, formatDateTime(iso));
}

/** "420 米 420 m" / "1.2 公里 1.2 km". */
export function formatDistance(metres) {
  if (typeof metres !== 'number' || !Number.isFinite(metres)) return '—';
  if (metres < 1000) {
    const m = Math.round(metres);
    return `${m} 米 ${m} m`;
  }
  const km = (metres / 1000).toFixed(1);
  return `${km} 公里 ${km} km`;
}

/** "¥25 元/小时 · 25 yuan per hour" (amount in yuan, as the API gives it; unit labels from the programmes). */
export function formatSubsidy(amount, currency = 'CNY', unit) {
  if (typeof amount !== 'number') return '—';
  const money = currency === 'CNY' ? `¥${trimNumber(amount)}` : `${trimNumber(amount)} ${currency}`;
  if (!unit) return money;
  const u = vocab.subsidyUnits[unit];
  return u ? `${money} ${u.zh} · ${trimNumber(amount)} ${u.en}` : `${money} / ${unit}`;
}

function trimNumber(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/**
 * Time left until `iso`, bilingual: "还剩 12 分钟 12 min left", "已过期 Expired".
 * Used for offer deadlines; refreshed every second by startCountdowns().
 */
export function formatTimeLeft(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  if (ms <= 0) return '已过期 Expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `还剩 ${Math.ceil(ms / 1000)} 秒 ${Math.ceil(ms / 1000)} s left`;
  if (minutes < 60) return `还剩 ${minutes} 分钟 ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return `还剩 ${hours} 小时 ${rest} 分 ${hours} h ${rest} min left`;
  const days = Math.floor(hours / 24);
  return `还剩 ${days} 天 ${days} days left`;
}

/** An element whose text counts down to `iso`; kept current by startCountdowns(). */
export function countdownEl(iso) {
  return h('span', { class: 'countdown', dataset: { deadline: iso } }, formatTimeLeft(iso));
}

/**
 * Refresh every countdownEl() on the page once a second. Only text changes, so focus and
 * screen-reader position are kept (a full re-render would lose them).
 */
export function startCountdowns() {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll('.countdown[data-deadline]')) {
      const text = formatTimeLeft(el.dataset.deadline, now);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle('expired', new Date(el.dataset.deadline).getTime() <= now);
    }
  }, 1000);
}

// ---------------------------------------------------------------------------------------------
// Jobs with steps: planned from a priced catalogue, confirmed, built, inspected
// ---------------------------------------------------------------------------------------------

/**
 * The priced catalogue a programme's jobs are planned from (GET /programmes `figures.catalogue`:
 * `[{code, nameZh, name, unit: {zh, en}, subsidyPerUnitFen, maxQuantity}]`); [] when it has none.
 */
export function catalogueOf(programme) {
  const list = programme?.figures?.catalogue;
  return Array.isArray(list) ? list : [];
}

/** Whether an application or assignment is a job with steps: it carries `job`, or its programme has a catalogue. */
export function isJob(item, programme) {
  return Boolean(item?.job) || catalogueOf(programme).length > 0;
}

/** Integer fen as yuan with two decimals: 135850 → "1358.50". */
export function yuanText(fen) {
  return typeof fen === 'number' && Number.isFinite(fen) ? (fen / 100).toFixed(2) : '—';
}

/** Integer fen as "1358.50 元". */
export function formatFen(fen) {
  return `${yuanText(fen)} 元`;
}

// ---------------------------------------------------------------------------------------------
// Service records and monthly settlement (直补快办)
// ---------------------------------------------------------------------------------------------

const CHINA_OFFSET_MS = 8 * 3_600_000; // China has no daylight saving time

/** The day in China (`YYYY-MM-DD`) an instant falls on; now when no instant is given. */
export function chinaDay(at = new Date()) {
  const date = at instanceof Date ? at : new Date(at);
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * How many units a day a provider of this programme records (GET /programmes figures: the meal
 * policy's `maxMealsPerDay`); undefined for programmes whose services are not counted by the day.
 */
export function maxPerDay(programme) {
  const n = programme?.figures?.maxMealsPerDay;
  return typeof n === 'number' && n > 0 ? n : undefined;
}

/**
 * What one unit of the subsidy is, from the programme's subsidy unit label: 元/餐 gives 餐 and
 * "yuan per hour" gives hour; a note in brackets (元/户（上限）) is left out.
 */
export function unitWord(programme) {
  const label = programme?.subsidyUnit?.label;
  if (!label) return { zh: '', en: '' };
  return {
    zh: label.zh.replace(/^元\s*\//, '').replace(/\s*[（(].*[）)]\s*$/, '').trim(),
    en: label.en.replace(/^yuan per\s+/i, '').replace(/\s*\(.*\)\s*$/, '').trim(),
  };
}

/** "2 餐" and "2 meals": an amount of the programme's subsidy unit, as {zh, en}. */
export function quantityText(programme, units) {
  const w = unitWord(programme);
  const n = formatNumber(units);
  // meal → meals, hour → hours; units the policy abbreviates stay as they are.
  const en = units !== 1 && /^[a-z]{2,}$/.test(w.en) ? `${w.en}s` : w.en;
  return { zh: `${n} ${w.zh}`.trim(), en: `${n} ${en}`.trim() };
}

/** "5.00 元/餐" and "5.00 yuan per meal": a rate in fen per unit of the programme, as {zh, en}. */
export function rateText(programme, fen) {
  const label = programme?.subsidyUnit?.label ?? { zh: '元', en: 'yuan' };
  return { zh: `${yuanText(fen)} ${label.zh}`, en: `${yuanText(fen)} ${label.en}` };
}

/**
 * Save a file the page fetched (a payment file) as a download: an object URL on a hidden
 * `a[download]`, clicked, then let go of.
 */
export function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by then; the URL is released a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file name in a Content-Disposition header (RFC 6266 `filename*` first), or undefined. */
function dispositionFilename(header) {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(header);
  return plain ? (plain[1] ?? plain[2]).trim() : undefined;
}

/**
 * A job's steps in the words of the provider and staff (the family page words some of them for
 * the family). Presentation only: the codes are the API's `job.step`.
 */
export const JOB_STEPS = {
  PLANNING: { zh: '待制定方案', en: 'To be planned', tone: 'wait' },
  AWAITING_CONFIRMATION: { zh: '待家庭确认', en: 'Awaiting the family', tone: 'wait' },
  BUILDING: { zh: '施工中', en: 'Building', tone: 'info' },
  AWAITING_INSPECTION: { zh: '待验收', en: 'Awaiting inspection', tone: 'wait' },
  PASSED: { zh: '已验收', en: 'Passed', tone: 'ok' },
};

/** The step of a job; an accepted job without one is being planned. */
export function jobStep(job) {
  return job?.step ?? 'PLANNING';
}

/** Chinese with its English on the line below (table cells). */
export function stacked(zh, en) {
  return h('span', { class: 'bi' }, h('span', { lang: 'zh-CN' }, zh), h('br'), h('span', { lang: 'en', class: 'en' }, en));
}

/** "8 件 × 168.50 元" over "8 pieces × 168.50 yuan". */
function quantityTimesPrice(line) {
  const unit = line.unit ?? { zh: '', en: '' };
  const q = line.quantity;
  // piece → pieces, set → sets; m and m² stay as they are.
  const en = q !== 1 && /^[a-z]{2,}$/.test(unit.en) ? `${unit.en}s` : unit.en;
  return stacked(`${q} ${unit.zh} × ${yuanText(line.unitPriceFen)} 元`, `${q} ${en} × ${yuanText(line.unitPriceFen)} yuan`);
}

/**
 * A policy named in words, its version in small print: "《老年助餐服务补贴政策》 2026.1 版". `programme`
 * is GET /programmes' item (its `policyName`); `policyVersion` is a decision's `id/version`.
 */
export function policyText(programme, policyVersion) {
  const version = String(policyVersion ?? '').split('/').pop();
  const name = programme?.policyName;
  return h(
    'span',
    { class: 'policy' },
    name ? bi(`《${name.zh}》`, name.en) : bi('政策', 'Policy'),
    version ? h('small', { class: 'meta policy-version' }, ` ${version} 版 · version ${version}`) : null,
  );
}

/**
 * A priced plan (`job.plan`): one row per item (quantity × unit price, price, the catalogue's
 * subsidy), then the totals: price, subsidy with the household cap, the household's share.
 * `shareZh`/`shareEn` name the household's share for the reader ("个人自付 Your share");
 * `programme` names the policy.
 */
export function renderPlan(plan, { shareZh = '个人自付', shareEn = 'Household share', id, programme } = {}) {
  if (!plan || !Array.isArray(plan.lines)) return null;
  const catalogueSum = plan.lines.reduce((s, l) => s + (l.subsidyFen ?? 0), 0);
  return h(
    'div',
    { class: 'plan', id },
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': '改造项目明细 Items of the plan', tabindex: 0 },
      h(
        'table',
        { class: 'plan-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, bi('项目', 'Item')),
            h('th', { scope: 'col' }, bi('数量 × 单价', 'Quantity × unit price')),
            h('th', { scope: 'col' }, bi('金额', 'Price')),
            h('th', { scope: 'col' }, bi('补贴', 'Subsidy')),
          ),
        ),
        h(
          'tbody',
          {},
          plan.lines.map((l) =>
            h(
              'tr',
              { dataset: { code: l.code } },
              h('th', { scope: 'row' }, stacked(l.nameZh ?? l.code, l.name ?? '')),
              h('td', { class: 'plan-num' }, quantityTimesPrice(l)),
              h('td', { class: 'plan-num' }, formatFen(l.priceFen)),
              h('td', { class: 'plan-num' }, formatFen(l.subsidyFen)),
            ),
          ),
        ),
        h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, bi('合计', 'Total')),
            h('td', {}),
            h('td', { class: 'plan-num' }, formatFen(plan.priceFen)),
            h(
              'td',
              { class: 'plan-num' },
              formatFen(catalogueSum),
              plan.capped ? [h('br'), h('span', { class: 'meta' }, bi('未计上限', 'before the cap'))] : null,
            ),
          ),
        ),
      ),
    ),
    h(
      'ul',
      { class: 'plan-totals' },
      h('li', { class: 'plan-price' }, bi(`工程总价 ${formatFen(plan.priceFen)}`, `Total price ${yuanText(plan.priceFen)} yuan`)),
      h(
        'li',
        { class: 'plan-subsidy' },
        bi(`补贴 ${formatFen(plan.subsidyFen)}（每户上限 ${formatFen(plan.capFen)}）`, `Subsidy ${yuanText(plan.subsidyFen)} yuan (household cap ${yuanText(plan.capFen)} yuan)`),
        plan.capped ? [' ', h('span', { class: 'badge badge-wait plan-capped' }, bi('已达每户补贴上限', 'reached the household cap'))] : null,
      ),
      h('li', { class: 'plan-share' }, bi(`${shareZh} ${formatFen(plan.householdFen)}`, `${shareEn} ${yuanText(plan.householdFen)} yuan`)),
    ),
    h(
      'p',
      { class: 'meta' },
      plan.plannedAt ? ['方案提交 Planned ', timeEl(plan.plannedAt)] : null,
      plan.policyVersion ? [' · ', policyText(programme, plan.policyVersion)] : null,
    ),
  );
}

/** The inspections of a job, oldest first: when, passed or not, and the inspector's note. */
export function renderInspections(inspections) {
  if (!Array.isArray(inspections) || !inspections.length) return null;
  return h(
    'ol',
    { class: 'inspections' },
    inspections.map((i) =>
      h(
        'li',
        { class: i.passed ? 'passed' : 'failed' },
        timeEl(i.at),
        ' ',
        i.passed ? h('span', { class: 'badge badge-ok' }, bi('验收通过', 'Passed')) : h('span', { class: 'badge badge-bad' }, bi('验收未通过', 'Failed')),
        i.note ? h('span', { class: 'inspection-note' }, ` ${i.note}`) : null,
      ),
    ),
  );
}

/** The latest inspection when it failed (the work is being put right), else undefined. */
export function lastFailedInspection(job) {
  const last = Array.isArray(job?.inspections) ? job.inspections.at(-1) : undefined;
  return last && !last.passed ? last : undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Any failed call: an HTTP error answer, a network failure, or an unreadable answer. */
export class ApiError extends Error {
  constructor({ status = 0, code = 'UNKNOWN', message, messageZh, issues = [], requestId, existingId } = {}) {
    super(message ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messageZh = messageZh ?? '';
    this.issues = Array.isArray(issues) ? issues : [];
    this.requestId = requestId;
    /** DUPLICATE_APPLICATION: the id of the open application of the same person and programme. */
    this.existingId = existingId;
  }
}

// Used when an answer has no contract error body (a proxy's HTML page, an endpoint not built yet).
const FALLBACK_MESSAGES = {
  0: ['无法连接服务器，请检查网络后重试。', 'Cannot reach the server. Check the connection and try again.'],
  400: ['填写的信息有误，请检查后重试。', 'Some of the information is not valid.'],
  401: ['登录已失效，请刷新页面重新登录。', 'You are not signed in, or the sign-in has expired.'],
  403: ['您没有权限进行此操作。', 'You are not allowed to do this.'],
  404: ['未找到，或该接口尚未提供。', 'Not found, or this endpoint does not exist yet.'],
  409: ['状态已变化，无法完成此操作，请刷新后重试。', 'The state has changed; refresh and try again.'],
  413: ['提交的内容过大。', 'The request is too large.'],
  422: ['请求重复但内容不同，请重新提交。', 'This request was already sent with different content.'],
  429: ['请求过于频繁，请稍后再试。', 'Too many requests. Please wait a moment and try again.'],
  500: ['服务器出错，请稍后再试。', 'The server had a problem. Please try again later.'],
  other: ['请求未成功，请稍后再试。', 'The request did not succeed. Please try again.'],
};

function fallbackError(status, requestId) {
  const [messageZh, message] = FALLBACK_MESSAGES[status] ?? FALLBACK_MESSAGES[status >= 500 ? 500 : 'other'];
  return new ApiError({ status, code: status ? `HTTP_${status}` : 'NETWORK', message, messageZh, requestId });
}

/**
 * What anyone can do about a failed call, by HTTP status (0: no connection); a page adds its own
 * words. A 422 is the page's to explain (a refused record, an idempotency key reused), so it has none here.
 */
const NEXT_STEPS = {
  0: ['请检查网络连接，然后再试一次。', 'Check the connection, then try again.'],
  400: ['请按提示修改后再提交。', 'Correct what is marked, then send it again.'],
  401: ['登录已过期：请退出后重新登录。', 'Your sign-in has expired: sign out and sign in again.'],
  404: ['请刷新页面查看最新状态。', 'Reload the page to see where things stand.'],
  409: ['情况已有变化：请刷新后查看最新状态。', 'Something changed meanwhile: refresh to see where it stands.'],
  429: ['请稍等片刻再试。', 'Wait a moment and try again.'],
  500: ['请稍后再试；如果一直不成功，请联系客服并提供下方的请求编号。', 'Try again later; if it keeps failing, call support with the request number below.'],
};

/** An issue's message; "中文 / English" is shown as Chinese with the English beside it. */
export function issueText(message) {
  const text = String(message ?? '');
  const at = text.indexOf(' / ');
  return at > 0 ? bi(text.slice(0, at), text.slice(at + 3)) : h('span', {}, text);
}

/**
 * An alert box for an error, in words people act on: the title, messageZh then message, each
 * issue's message (without field paths), and what to do next — from `nextSteps` (a page's own words
 * by HTTP status) over the general ones. No codes or HTTP statuses; the request id, which support
 * can look up, is kept in a closed <details> in small print. `extra` (a node, e.g. a list of fields
 * to correct) takes the place of the message and the next step; `withIssues: false` leaves the
 * issues out.
 */
export function errorBox(err, { titleZh, titleEn, withIssues = true, nextSteps = {}, extra = null, className = '' } = {}) {
  const e = err instanceof ApiError ? err : new ApiError({ message: String(err?.message ?? 'Something went wrong. Please try again.'), messageZh: '出现问题，请重试。' });
  const steps = { ...NEXT_STEPS, ...nextSteps };
  const status = e.code === 'NETWORK' ? 0 : e.status;
  const next = steps[status] ?? (status >= 500 ? steps[500] : null);
  const issues = withIssues ? e.issues.filter((i) => i?.message) : [];
  return h(
    'div',
    { class: `alert alert-error ${className}`.trim(), role: 'alert' },
    titleZh ? h('p', { class: 'alert-title' }, bi(titleZh, titleEn ?? '')) : null,
    !extra && (e.messageZh || e.message) ? h('p', {}, bi(e.messageZh || e.message, e.message && e.message !== e.messageZh ? e.message : '')) : null,
    issues.length ? h('ul', { class: 'issue-list' }, issues.map((i) => h('li', {}, issueText(i.message)))) : null,
    extra,
    // Issues say what to correct themselves; a next step is for failures that list none.
    !extra && !issues.length && next ? h('p', { class: 'what-to-do' }, bi(next[0], next[1])) : null,
    e.requestId
      ? h(
          'details',
          { class: 'support-info meta' },
          h('summary', {}, bi('联系客服时提供', 'For support')),
          h('p', {}, '请求编号 Request ID: ', h('code', {}, e.requestId)),
        )
      : null,
  );
}

// ---------------------------------------------------------------------------------------------
// Identity and the API client
// ---------------------------------------------------------------------------------------------

/** crypto.randomUUID() is only there in secure contexts (https, localhost); fall back elsewhere. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Seconds-since-epoch `exp` of a JWT, or undefined if it cannot be read (we never verify it). */
function jwtExpiry(token) {
  return jwtClaims(token)?.exp;
}

/** The claims of a JWT, read (not verified: the API verifies every token it is sent); null when unreadable. */
export function jwtClaims(token) {
  try {
    const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** Read the JSON body of a response, or null when it is empty or not JSON. */
async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Turn a non-2xx response into an ApiError, preferring the contract's error body. */
async function toApiError(res) {
  const body = await readJson(res);
  const requestId = res.headers.get('x-request-id') ?? res.headers.get('apigw-requestid') ?? undefined;
  const e = body?.error;
  if (!e || typeof e !== 'object') return fallbackError(res.status, requestId);
  const fallback = fallbackError(res.status);
  return new ApiError({
    status: res.status,
    code: e.code ?? fallback.code,
    message: e.message ?? fallback.message,
    messageZh: e.messageZh ?? fallback.messageZh,
    issues: e.issues,
    requestId: e.requestId ?? requestId,
    existingId: e.existingId,
  });
}

async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    throw fallbackError(0);
  }
}

/**
 * An API client acting as one demo identity. `claims` is the body of POST /local/token:
 * `{role, sub, providerId?, district?}`. The token is kept in sessionStorage per identity, so a
 * reload does not sign in again and two tabs may act as two different users.
 * With `token` (an ID token from the identity provider's hosted login) that token is sent as it
 * is; once it expires calls fail with 401 and the person signs in again.
 *
 *   const api = createApi({ role: 'family', sub: 'demo-family' });
 *   const app = await api.get(`/applications/${id}`);
 *   await api.post('/applications', body, { headers: { 'Idempotency-Key': key } });
 */
export function createApi(claims, { baseUrl = '', token: given } = {}) {
  const storageKey = `huimin.token:${JSON.stringify(claims)}`;
  let token = given ?? safeSession('get', storageKey);

  async function signIn() {
    // Signed in through the identity provider (OIDC): there is no local token to mint again.
    if (given) throw fallbackError(401);
    const res = await send(new URL(`${baseUrl}/local/token`, location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(claims),
    });
    if (!res.ok) throw await toApiError(res);
    const body = await readJson(res);
    if (!body?.token) {
      throw new ApiError({
        status: res.status,
        code: 'NO_TOKEN',
        messageZh: '未能获得登录凭证。',
        message: 'The sign-in answer had no token.',
      });
    }
    token = body.token;
    safeSession('set', storageKey, token);
    return token;
  }

  async function getToken() {
    const exp = token ? jwtExpiry(token) : undefined;
    // Renew a little before expiry so a request does not race the clock.
    if (!token || (exp && exp * 1000 < Date.now() + 30_000)) return signIn();
    return token;
  }

  /**
   * Call the API. `query`: object of query parameters (empty values skipped). `body`: sent as
   * JSON. Returns the parsed JSON body (null if none); throws ApiError on any failure.
   * A 401 is retried once with a fresh token (the cached one may be from a restarted local stack
   * with a new signing key).
   */
  async function request(method, path, opts = {}) {
    return readJson(await respond(method, path, { accept: 'application/json', ...opts }));
  }

  /**
   * GET a file (e.g. a CSV payment file) with the bearer token: resolves to `{blob, filename}`, the
   * bytes exactly as sent (a byte-order mark kept) and the name from Content-Disposition.
   */
  async function download(path, { query, accept = '*/*' } = {}) {
    const res = await respond('GET', path, { query, accept });
    return { blob: await res.blob(), filename: dispositionFilename(res.headers.get('content-disposition')) };
  }

  /** Send with the token; a 2xx response, else an ApiError. */
  async function respond(method, path, { query, body, headers = {}, accept }) {
    const url = new URL(`${baseUrl}${path}`, location.href);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    }
    for (let attempt = 0; ; attempt++) {
      const res = await send(url, {
        method,
        headers: {
          Accept: accept,
          Authorization: `Bearer ${await getToken()}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      if (res.status === 401 && attempt === 0 && !given) {
        token = null;
        safeSession('remove', storageKey);
        continue;
      }
      if (!res.ok) throw await toApiError(res);
      return res;
    }
  }

  return {
    claims,
    getToken,
    request,
    download,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body = {}, opts = {}) => request('POST', path, { ...opts, body }),
  };
}

// sessionStorage can throw (privacy modes, storage full); losing the cache is harmless.
function safeSession(op, key, value) {
  try {
    if (op === 'get') return sessionStorage.getItem(key);
    if (op === 'set') sessionStorage.setItem(key, value);
    if (op === 'remove') sessionStorage.removeItem(key);
  } catch {
    // ignore
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Toasts and dialogs
// ---------------------------------------------------------------------------------------------

/**
 * A short message in the toast region under the header (#toasts, in the page flow: it never covers
 * the content). `kind`: 'ok' or 'error'. Errors stay until closed, so older users have time to read
 * them; confirmations fade and fold away after 6 seconds (no sudden jump).
 * `content` is a node (e.g. errorBox(err)) or bilingual [zh, en].
 */
export function toast(content, kind = 'ok') {
  const host = toastHost();
  const body = Array.isArray(content) ? h('p', {}, bi(content[0], content[1])) : content;
  const close = h('button', { type: 'button', class: 'btn btn-small btn-quiet toast-close' }, bi('关闭', 'Close'));
  // An error toast holds an errorBox(), which is already role=alert.
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? undefined : 'status' }, body, close);
  close.addEventListener('click', () => el.remove());
  host.append(el);
  unfold(el);
  // A live region inserted together with its text is not always read out: say it via #live too.
  if (Array.isArray(content)) announce(`${content[0]} ${content[1]}`);
  if (kind !== 'error') setTimeout(() => fadeAway(el), 6000);
}

/** The toast region: the page's #toasts, moved (or made) just under the header, where it covers nothing. */
export function toastHost() {
  let host = document.getElementById('toasts');
  if (!host) host = h('div', { id: 'toasts', class: 'toasts' });
  host.classList.add('toasts');
  const header = document.querySelector('header.site-header');
  if (header && header.nextElementSibling !== host) header.after(host);
  else if (!host.isConnected) document.body.prepend(host);
  keepFocusClear(host);
  return host;
}

/**
 * While toasts show, the page scrolls what gets focus (Tab, links to #ids) below them: the region
 * stays at the top edge as the page scrolls, so it reserves that much room (WCAG 2.4.11).
 */
function keepFocusClear(host) {
  if (host.dataset.observed || typeof ResizeObserver !== 'function') return;
  host.dataset.observed = 'true';
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingTop = host.offsetHeight ? `${host.offsetHeight + 8}px` : '';
  }).observe(host);
}

/** Open a new toast smoothly (its height grows) rather than pushing the page down at once. */
function unfold(el) {
  if (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches || typeof el.animate !== 'function') return;
  const style = getComputedStyle(el);
  el.animate(
    [
      { opacity: 0, height: '0px', paddingTop: '0px', paddingBottom: '0px', marginTop: '0px', marginBottom: '0px' },
      { opacity: 1, height: `${el.getBoundingClientRect().height}px`, paddingTop: style.paddingTop, paddingBottom: style.paddingBottom, marginTop: style.marginTop, marginBottom: style.marginBottom },
    ],
    { duration: 250, easing: 'ease-out' },
  );
}

/** Fade a toast out, then fold its height away smoothly, then remove it. */
function fadeAway(el) {
  if (!el.isConnected) return;
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  if (reduced || typeof el.animate !== 'function') {
    el.remove();
    return;
  }
  const height = el.getBoundingClientRect().height;
  const fold = el.animate(
    [
      { opacity: 1, height: `${height}px` },
      { opacity: 0, height: `${height}px`, offset: 0.5 },
      { opacity: 0, height: '0px', paddingTop: '0px', paddingBottom: '0px', marginTop: '0px', marginBottom: '0px', borderWidth: '0px' },
    ],
    { duration: 600, easing: 'ease-in-out', fill: 'forwards' },
  );
  fold.onfinish = () => el.remove();
}

/**
 * Ask a question in a modal <dialog>. Resolves to the text entered ('' allowed unless `required`),
 * or null when cancelled. With `input: false` it is a yes/no confirmation resolving to true/null.
 */
export function askDialog({
  titleZh,
  titleEn,
  textZh,
  textEn,
  input = true,
  labelZh = '',
  labelEn = '',
  required = false,
  confirmZh = '确定',
  confirmEn = 'OK',
  danger = false,
}) {
  const fieldId = `dlg-${uuid()}`;
  const errorId = `${fieldId}-err`;
  const textarea = input ? h('textarea', { id: fieldId, rows: 3, 'aria-describedby': errorId, required }) : null;
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const confirm = h(
    'button',
    { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, value: 'ok' },
    bi(confirmZh, confirmEn),
  );
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, bi('取消', 'Cancel'));
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { id: `${fieldId}-title` }, bi(titleZh, titleEn)),
    textZh ? h('p', {}, bi(textZh, textEn ?? '')) : null,
    input
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: fieldId }, bi(labelZh, labelEn), required ? h('span', { class: 'req' }, ' *') : ''),
          textarea,
          error,
        )
      : null,
    h('div', { class: 'actions' }, confirm, cancel),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': `${fieldId}-title` }, form);

  // Without <dialog> support, fall back to the browser's own boxes.
  if (typeof dialog.showModal !== 'function') {
    const question = `${titleZh} ${titleEn}\n${textZh ?? ''} ${textEn ?? ''}`;
    if (!input) return Promise.resolve(window.confirm(question) ? true : null);
    const answer = window.prompt(`${question}\n${labelZh} ${labelEn}`);
    return Promise.resolve(answer === null || (required && !answer.trim()) ? null : answer.trim());
  }

  return new Promise((resolve) => {
    let result = null;
    form.addEventListener('submit', (event) => {
      if (input && required && !textarea.value.trim()) {
        event.preventDefault();
        error.hidden = false;
        error.textContent = '请填写此项 / This is required';
        textarea.setAttribute('aria-invalid', 'true');
        textarea.focus();
        return;
      }
      result = input ? textarea.value.trim() : true;
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    // For a destructive yes/no, start on "cancel" so a stray Enter does no harm.
    (textarea ?? (danger ? cancel : confirm)).focus();
  });
}

/**
 * Run one button action (approve, accept…): disable `buttons` meanwhile, then say how it went in a
 * toast. Resolves to true on success. The caller reloads its lists either way (after a 409 the
 * item has changed under us, so the list should show its new state).
 */
export async function runAction(buttons, action, { okZh, okEn, failZh, failEn, nextSteps }) {
  for (const b of buttons) b.disabled = true;
  try {
    await action();
    toast([okZh, okEn]);
    return true;
  } catch (err) {
    toast(errorBox(err, { titleZh: failZh, titleEn: failEn, nextSteps }), 'error');
    return false;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Paged lists
// ---------------------------------------------------------------------------------------------

/**
 * A list that loads `path` page by page (`{items, nextToken?}`) into `list` (a <ul>/<ol>), with a
 * "load more" button shown while there is a nextToken.
 *
 *   const offers = pagedList({ api, path: '/assignments', query: () => ({ status: 'OFFERED' }),
 *                              list, more, status, renderItem, emptyZh, emptyEn });
 *   offers.reload();                 // first page, showing "loading"
 *   offers.reload({ quiet: true });  // background refresh: re-render only if the first page changed
 *
 * `status` is an element for loading text and errors. `renderItem(item)` returns an <li>.
 * `onLoaded(items)` (optional) is told the items of each first page.
 */
export function pagedList({ api, path, query = () => ({}), list, more, status, renderItem, emptyZh, emptyEn, onLoaded }) {
  let nextToken;
  let lastFirstPage = '';
  let generation = 0; // answers to superseded loads are dropped

  async function load(reset, { quiet = false } = {}) {
    const mine = ++generation;
    if (!quiet) {
      replaceChildren(status, h('p', { class: 'loading' }, bi('正在加载…', 'Loading…')));
      list.setAttribute('aria-busy', 'true');
    }
    more.disabled = true;
    try {
      const page = await api.get(path, { query: { ...query(), nextToken: reset ? undefined : nextToken } });
      if (mine !== generation) return;
      const items = Array.isArray(page?.items) ? page.items : [];
      replaceChildren(status);
      if (reset) {
        const fingerprint = JSON.stringify(page);
        // Nothing new: leave the list (and any further pages the user loaded) untouched.
        if (quiet && fingerprint === lastFirstPage) {
          if (!items.length) replaceChildren(status, h('p', { class: 'empty' }, bi(emptyZh, emptyEn)));
          return;
        }
        lastFirstPage = fingerprint;
        replaceChildren(list, items.map(renderItem));
        onLoaded?.(items);
        if (!items.length) replaceChildren(status, h('p', { class: 'empty' }, bi(emptyZh, emptyEn)));
      } else {
        list.append(...items.map(renderItem));
      }
      nextToken = page?.nextToken;
      more.hidden = !nextToken;
    } catch (err) {
      if (mine !== generation) return;
      // A failed background refresh keeps the list on screen with the error above it.
      replaceChildren(status, errorBox(err, { titleZh: '加载失败', titleEn: 'Could not load' }));
    } finally {
      if (mine === generation) {
        list.removeAttribute('aria-busy');
        more.disabled = false;
      }
    }
  }

  more.addEventListener('click', () => load(false));
  return { reload: (opts) => load(true, opts) };
}

/**
 * The browser's position, `{lat, lng, accuracy}` (metres), or null. `button` is disabled while it
 * is found and `status` says so; when it cannot be had, `status` says why and then `fallback`
 * ([zh, en], what to do instead). Saying where it was used is the caller's.
 */
export function currentPosition({ button, status, fallback }) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      replaceChildren(status, bi(`此浏览器无法定位，${fallback[0]}`, `Location is not available in this browser. ${fallback[1]}`));
      resolve(null);
      return;
    }
    button.disabled = true;
    replaceChildren(status, bi('正在定位…', 'Finding your location…'));
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        button.disabled = false;
        resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: Math.round(pos.coords.accuracy) });
      },
      (err) => {
        button.disabled = false;
        const why =
          err.code === err.PERMISSION_DENIED
            ? ['您没有允许定位。', 'Location permission was refused.']
            : err.code === err.TIMEOUT
              ? ['定位超时。', 'Finding the location took too long.']
              : ['暂时无法定位。', 'The location is not available now.'];
        replaceChildren(status, bi(`${why[0]}${fallback[0]}`, `${why[1]} ${fallback[1]}`));
        resolve(null);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

/**
 * Fills `lat` and `lng` inputs from the browser's position, saying what happened in `status`
 * (Chinese first); `button` is disabled meanwhile. Resolves true when a position was filled in.
 * `fallback` ends the failure message: what the user can do instead.
 */
export async function fillFromGeolocation({ button, status, lat, lng, fallback = ['请手动填写。', 'Type it in.'] }) {
  const pos = await currentPosition({ button, status, fallback });
  if (!pos) return false;
  lat.value = pos.lat.toFixed(6);
  lng.value = pos.lng.toFixed(6);
  replaceChildren(status, bi(`已填入当前位置（误差约 ${pos.accuracy} 米）。`, `Filled in your location (within about ${pos.accuracy} m).`));
  return true;
}
