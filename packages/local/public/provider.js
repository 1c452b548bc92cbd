// provider.html: the console of a provider (a meal point, a home-visit organisation, a nursery, a
// retrofit contractor…), acting as whoever signed in (the shell's session: its claims' providerId).
// Offers show enough to tell two residents apart before accepting (age, street, distance, needs, a
// short reference) but no contact; accepted and completed ones show the resident's contact (name,
// age, phone, address, the family's contact), as GET /assignments gives it only then. Accept or
// decline offers (a reason is asked), report accepted ones as completed (after a confirmation), and
// — for programmes that record visits — record each visit against the resident's monthly hours.
// Jobs with steps (programmes whose GET /programmes figures carry a priced catalogue, e.g. a
// retrofit contractor's) are planned here from the catalogue, then reported done for inspection.
// Programmes counted by the day (figures with a daily maximum, e.g. meal points) record each day's
// count here for the monthly settlement. Needs, units and labels come from GET /programmes.

import {
  ApiError,
  askDialog,
  badge,
  bi,
  catalogueOf,
  chinaDay,
  classText,
  defList,
  errorBox,
  familyAnswers,
  fillFromGeolocation,
  formatFen,
  formatNumber,
  h,
  isJob,
  JOB_STEPS,
  jobStep,
  lastFailedInspection,
  loadVocabulary,
  maxPerDay,
  needsField,
  needsRows,
  optionLabel,
  pagedList,
  policyText,
  quantityText,
  rateText,
  recordsVisits,
  renderInspections,
  renderPlan,
  replaceChildren,
  runAction,
  stacked,
  timeEl,
  toast,
  vocab,
  yuanText,
} from './api.js';
import { startPage } from './shell.js';

const REFRESH_MS = 15_000;

const $ = (selector) => document.querySelector(selector);

/** The API client of the signed-in provider (set by start()). */
let api;
/** The lists of offers and of all assignments (made by start() once signed in). */
let offers;
let all;
const allFilter = $('#all-filter');

function reloadBoth(opts) {
  return Promise.all([offers?.reload(opts), all?.reload(opts)]);
}

$('#offers-refresh').addEventListener('click', () => offers?.reload());
$('#all-refresh').addEventListener('click', () => all?.reload());
allFilter.addEventListener('change', () => all?.reload());

function nounOf(a) {
  return vocab.byType.get(a.type)?.providerNoun ?? { zh: '服务机构', en: 'provider' };
}

/**
 * Offers the family answers (nursery places from allocation rounds) wait for the family, not for
 * the provider: their status in the provider's words.
 */
const AWAITING_FAMILY = { OFFERED: { zh: '等待家庭确认', en: 'Awaiting the family', tone: 'wait' } };

// ---------------------------------------------------------------------------------------------
// Plain words: ages, streets, distances, deadlines, references, phone numbers
// ---------------------------------------------------------------------------------------------

/** "82 岁 82 years old", "1 岁 1 year old", or null when the age is not known. */
function ageText(age) {
  if (typeof age !== 'number' || !Number.isFinite(age)) return null;
  return bi(`${age} 岁`, `${age} ${age === 1 ? 'year' : 'years'} old`);
}

/** Who is served, as the assignment's programme names them (老人, 幼儿). */
function subjectWord(a) {
  return vocab.byType.get(a.type)?.subjectNoun ?? { zh: '服务对象', en: 'person served' };
}

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** A street of a district by its names: "仙林街道 Xianlin Street" (the Chinese name alone when the vocabulary lacks it). */
function streetText(district, street) {
  if (!street) return null;
  const known = (vocab.districts[district]?.streets ?? []).find((s) => s.name === street);
  if (!known?.nameEn) return h('span', { lang: 'zh-CN' }, street);
  return bi(known.name, /street|subdistrict/i.test(known.nameEn) ? known.nameEn : `${known.nameEn} Street`);
}

/** A distance as people say it: "约 390 米，步行约 5 分钟 About 390 m, a 5-minute walk"; "约 2.4 公里 About 2.4 km". */
function distanceWords(metres) {
  if (typeof metres !== 'number' || !Number.isFinite(metres)) return null;
  if (metres < 1000) {
    const m = Math.max(10, Math.round(metres / 10) * 10);
    const walk = Math.max(1, Math.round(metres / 80)); // about 80 m a minute at an older person's pace
    return bi(`约 ${m} 米，步行约 ${walk} 分钟`, `About ${m} m, a ${walk}-minute walk`);
  }
  const km = (metres / 1000).toFixed(1);
  return bi(`约 ${km} 公里`, `About ${km} km`);
}

/** The short reference people read out on the phone: the application id's last 4 characters, "7F3A". */
function shortRef(id) {
  return id ? String(id).replace(/-/g, '').slice(-4).toUpperCase() : null;
}

/**
 * Time left to a deadline: "还剩 3 小时 Due in 3 h", "还剩 1 小时 20 分钟 Due in 1 h 20 min",
 * "还剩 12 分钟 Due in 12 min", "已过期 Past the deadline". As {zh, en, soon, past}.
 */
function dueText(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return { zh: '', en: '', soon: false, past: false };
  if (ms <= 0) return { zh: '已过期', en: 'Past the deadline', soon: true, past: true };
  const minutes = Math.floor(ms / 60_000);
  const soon = ms < 3_600_000;
  if (minutes < 1) return { zh: '不到 1 分钟', en: 'Due in under a minute', soon, past: false };
  if (minutes < 60) return { zh: `还剩 ${minutes} 分钟`, en: `Due in ${minutes} min`, soon, past: false };
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 3 && rest) return { zh: `还剩 ${hours} 小时 ${rest} 分钟`, en: `Due in ${hours} h ${rest} min`, soon, past: false };
  if (hours < 48) return { zh: `还剩 ${hours} 小时`, en: `Due in ${hours} h`, soon, past: false };
  const days = Math.floor(hours / 24);
  return { zh: `还剩 ${days} 天`, en: `Due in ${days} days`, soon, past: false };
}

/** An element saying the time left to `iso`, kept current by startDueTimers(). */
function dueEl(iso) {
  const el = h('span', { class: 'due', dataset: { deadline: iso } });
  paintDue(el, Date.now());
  return el;
}

function paintDue(el, now) {
  const t = dueText(el.dataset.deadline, now);
  if (el.dataset.text === t.zh) return;
  el.dataset.text = t.zh;
  el.classList.toggle('due-soon', t.soon);
  el.classList.toggle('due-past', t.past);
  replaceChildren(el, bi(t.zh, t.en));
}

/** Keep every deadline on the page current (text only, so focus and reading position are kept). */
function startDueTimers() {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll('.due[data-deadline]')) paintDue(el, now);
  }, 15_000);
}

/** "139 1234 5678" for an 11-digit mobile number; other numbers as given. */
function phoneText(phone) {
  const digits = String(phone ?? '').replace(/\s+/g, '');
  return /^1\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` : String(phone ?? '');
}

/** A phone number as a link that dials it. */
function telLink(phone, labelZh, labelEn) {
  if (!phone) return null;
  const digits = String(phone).replace(/[^\d+]/g, '');
  return h('a', { href: `tel:${digits}`, class: 'tel', 'aria-label': `${labelZh} ${labelEn} ${phoneText(phone)}` }, phoneText(phone));
}

/** A relationship code in words: "女儿 Daughter". */
function relationshipText(code) {
  if (!code) return null;
  const r = vocab.relationships[code];
  return r ? bi(r.zh, r.en) : null;
}

/** What to do next, by the kind of failure, when the answer itself does not say. */
const NEXT_STEP = {
  0: ['请检查网络连接后重试。', 'Check the connection and try again.'],
  401: ['请刷新页面重新登录。', 'Reload the page to sign in again.'],
  403: ['这项操作不属于本机构；如有疑问请联系区民政局。', "This is not your organisation's to do; ask the district civil affairs office if unsure."],
  404: ['请刷新列表查看最新状态。', 'Refresh the list to see where things stand.'],
  409: ['请刷新列表查看最新状态。', 'Refresh the list to see where things stand.'],
  429: ['请稍等片刻再试。', 'Wait a moment and try again.'],
  500: ['请稍后再试；如果一直不成功，请联系客服并提供下方的请求编号。', 'Try again later; if it keeps failing, call support with the request number below.'],
};

/** An error as the provider reads it: api.js's box with what the provider can do about it. */
const problemBox = (err, opts = {}) => errorBox(err, { ...opts, nextSteps: NEXT_STEP });

// ---------------------------------------------------------------------------------------------
// One assignment
// ---------------------------------------------------------------------------------------------

/**
 * The resident's contact on an accepted or completed assignment (`resident` is on those only):
 * name and age, their phone, the address, and the family's contact person.
 */
function renderContact(a, where) {
  const r = a.resident;
  const titleId = `${where}-${a.id}-contact`;
  const age = r.age ?? a.subjectAge;
  const who = subjectWord(a);
  const addressParts = [streetText(a.district, r.address?.street ?? a.street), r.address?.detail ? h('span', { lang: 'zh-CN' }, r.address.detail) : null].filter(Boolean);
  // Most residents are reached through the family member who applied: one number, said once.
  const samePhone = r.phone && r.contactPhone && r.phone === r.contactPhone;
  return h(
    'section',
    { class: 'contact', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, bi('联系方式', 'Contact details')),
    defList([
      [who.zh, capitalised(who.en), h('span', {}, r.name ?? a.subjectName ?? '—', typeof age === 'number' ? ['，', ageText(age)] : null)],
      [
        '电话',
        'Phone',
        r.phone
          ? h(
              'span',
              {},
              telLink(r.phone, '拨打电话', 'Call'),
              samePhone && r.contactName ? h('span', { class: 'meta phone-note' }, bi(`家属${r.contactName}的电话`, `${r.contactName}'s phone (the family)`)) : null,
            )
          : null,
      ],
      ['住址', 'Address', addressParts.length ? h('span', { class: 'address' }, addressParts.flatMap((p, i) => (i ? [' · ', p] : [p]))) : null],
      [
        '家属联系人',
        'Family contact',
        r.contactName
          ? h(
              'span',
              {},
              r.contactName,
              relationshipText(r.relationship) ? ['（', relationshipText(r.relationship), '）'] : null,
              r.contactPhone && !samePhone ? [' ', telLink(r.contactPhone, '拨打家属电话', 'Call the family')] : null,
            )
          : null,
      ],
    ]),
    a.status === 'ACCEPTED'
      ? h('p', { class: 'hint' }, bi(`联系方式仅用于为${who.zh}提供服务，请勿转给他人。`, `Use these details only to serve the ${who.en}; do not pass them on.`))
      : null,
  );
}

/** "1 个餐位 1 place", "14 小时/月 14 hours a month": units in the programme's capacity unit. */
function unitsText(programme, units) {
  if (typeof units !== 'number') return null;
  const unit = programme?.capacity?.unit;
  if (!unit) return formatNumber(units);
  const n = formatNumber(units);
  // For one: "places" → "place", "concurrent jobs" → "concurrent job", "hours a month" → "hour a month".
  const en = units === 1 ? unit.en.replace(/\b([a-z]+[^s])s\b/i, '$1') : unit.en;
  return bi(`${n} ${unit.zh}`, `${n} ${en}`);
}

/** Where the resident lives, as far as an offer tells: "仙林街道 Xianlin Street · 约 390 米，步行约 5 分钟". */
function whereText(a) {
  const street = streetText(a.district, a.street);
  const distance = distanceWords(a.distanceMetres);
  if (!street || !distance) return street ?? distance;
  return h('span', {}, street, ' · ', distance);
}

/**
 * One assignment as a list item. `where`: the list it is in ('offers' or 'all'), so that ids stay
 * unique; an open offer in "all assignments" is shown short, pointing to where it is answered.
 */
function renderAssignment(a, where = 'all') {
  const programme = vocab.byType.get(a.type);
  const needs = a.needs;
  const family = familyAnswers(programme);
  const offered = a.status === 'OFFERED';
  const awaitingFamily = family && offered;
  const matched = a.status === 'ACCEPTED' || a.status === 'COMPLETED';
  const titleId = `${where}-${a.id}-title`;
  const short = where === 'all' && offered;
  const li = h(
    'li',
    { class: 'assignment', dataset: { assignmentId: a.id, status: a.status }, 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'item-head' },
      h(
        'p',
        { class: 'item-title', id: titleId, tabindex: -1 },
        h('span', { class: 'subject-name' }, a.subjectName ?? '—'),
        typeof a.subjectAge === 'number' ? [' ', h('span', { class: 'subject-age' }, ageText(a.subjectAge))] : null,
      ),
      awaitingFamily ? badge(AWAITING_FAMILY, a.status) : badge(vocab.assignmentStatus, a.status),
    ),
    offered && a.expiresAt
      ? h(
          'p',
          { class: 'deadline' },
          bi(family ? '家庭确认截止' : '接单截止', family ? 'Family answers by' : 'Accept by'),
          ' ',
          timeEl(a.expiresAt),
          ' · ',
          dueEl(a.expiresAt),
        )
      : null,
    // Once matched, how to reach the resident comes first: it is what the provider needs next.
    matched && a.resident ? renderContact(a, where) : null,
    short ? null : defList([
      ['班级', 'Class', a.pool ? classText(programme, a.pool) : null],
      ['住在', 'Lives in', whereText(a)],
      // Where else the family applied is not the provider's business: ranked choices are left out.
      ...needsRows(programme, needs, { skipKinds: ['ranked-providers'] }),
      ['预留', 'Reserved', unitsText(programme, a.units)],
      ['派单时间', 'Offered at', offered ? null : timeEl(a.createdAt)],
      ['接单时间', 'Accepted at', a.acceptedAt ? timeEl(a.acceptedAt) : null],
      ['拒绝原因', 'Reason for declining', a.status === 'DECLINED' ? (a.declineReason ?? null) : null],
      ['编号', 'Ref.', a.applicationId ? h('span', { class: 'ref', title: '申请编号末 4 位 Last 4 characters of the application number' }, shortRef(a.applicationId)) : null],
    ]),
  );
  if (short && family) {
    li.append(h('p', { class: 'hint' }, bi('等待家庭确认，机构无需操作。', 'Awaiting the family; nothing to do here.')));
    return li;
  }
  if (short) {
    const link = h('a', { href: `#offers-${a.id}-title`, class: 'to-offer' }, bi('到“待接单”中接单或拒绝', 'Accept or decline it under New offers'));
    link.addEventListener('click', (event) => {
      const target = document.getElementById(`offers-${a.id}-title`);
      if (!target) return;
      event.preventDefault();
      target.focus();
    });
    li.append(h('p', { class: 'hint' }, link));
    return li;
  }
  if (awaitingFamily) {
    li.append(
      h(
        'p',
        { class: 'alert alert-info awaiting-family' },
        bi('等待家庭确认：由家庭决定接受或放弃，机构无需操作。', 'Awaiting the family: they take or leave the place; nothing to do here.'),
      ),
    );
  } else if (offered) {
    li.append(h('p', { class: 'contact-locked' }, bi('接单后可见联系方式', 'Contact details appear once you accept')));
  }

  const buttons = [];
  const button = (cls, zh, en, onClick) => {
    const b = h('button', { type: 'button', class: `btn ${cls}` }, bi(zh, en));
    b.addEventListener('click', () => onClick(a, buttons));
    buttons.push(b);
    return b;
  };
  const job = isJob(a, programme);
  if (offered && !family) {
    button('btn-ok', '接单', 'Accept', accept);
    button('btn-danger', '拒绝', 'Decline', decline);
  } else if (a.status === 'ACCEPTED' && !job) {
    // A job with steps is reported done from its own section, once built.
    button('btn-primary', '服务已完成', 'Mark as completed', complete);
  }
  if (buttons.length) li.append(h('div', { class: 'actions' }, buttons));
  if (recordsVisits(programme) && matched) {
    li.append(renderVisitSection(a, programme));
  }
  if (job && (a.status === 'ACCEPTED' || a.job)) li.append(renderJobSection(a, programme));
  const perDay = maxPerDay(programme);
  if (perDay && a.status === 'ACCEPTED') li.append(renderDailySection(a, programme, perDay));
  return li;
}


// ---------------------------------------------------------------------------------------------
// Daily counts (programmes whose policy caps the units a day, e.g. meals): one record a day
// ---------------------------------------------------------------------------------------------

/**
 * Days recorded, by assignment id, newest first: read from `GET /assignments/{id}/records` when the
 * section is drawn, and kept here so the lists survive the page's refreshes.
 */
const recordedDays = new Map();

/**
 * The day's count form of an accepted assignment: the day (today in China by default, none after
 * today) and the count (1 to the policy's daily maximum). The server prices the day by the policy
 * in force on it and refuses (422 RECORD_REFUSED) a day it cannot take, naming the field: the
 * refusal is shown beside that field.
 */
function renderDailySection(a, programme, perDay) {
  const n = ++formCounter;
  const id = (what) => `daily-${n}-${what}`;
  const today = chinaDay();
  const since = a.acceptedAt ? chinaDay(a.acceptedAt) : undefined;
  const date = h('input', { type: 'date', id: id('date'), name: 'date', required: true, value: today, max: today, min: since, 'aria-describedby': id('date-hint') });
  const count = h('input', {
    type: 'number',
    id: id('count'),
    name: 'count',
    required: true,
    min: 1,
    max: perDay,
    step: 1,
    inputmode: 'numeric',
    value: 1,
    'aria-describedby': id('count-hint'),
  });
  const errors = h('div', { id: id('errors'), tabindex: -1 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: id('submit') }, bi('登记', 'Record'));
  const list = h('div', { class: 'daily-records', id: id('records') });
  const per = quantityText(programme, perDay);

  const form = h(
    'form',
    { class: 'daily-form', novalidate: true, 'aria-labelledby': id('title'), dataset: { assignmentId: a.id } },
    errors,
    h(
      'div',
      { class: 'field-row' },
      h(
        'div',
        { class: 'field daily-date', dataset: { field: 'date' } },
        h('label', { for: date.id }, bi('用餐日期', 'Date served')),
        date,
        // The date field shows the day in the browser's own format: the hint names it plainly.
        h(
          'p',
          { class: 'hint', id: id('date-hint') },
          since && since < today
            ? bi(`可登记 ${since}（接单日）至 ${today}（今天）`, `Any day from ${since} (accepted) to ${today} (today)`)
            : bi(`今天 ${today}；不能登记以后的日期`, `Today, ${today}; no later day`),
        ),
      ),
      h(
        'div',
        { class: 'field daily-count', dataset: { field: 'count' } },
        h('label', { for: count.id }, bi('用餐份数', 'Meals served')),
        count,
        h('p', { class: 'hint', id: id('count-hint') }, bi(`每人每天最多 ${per.zh}`, `At most ${per.en} a day`)),
      ),
      h('div', { class: 'field daily-submit' }, submit),
    ),
  );
  const section = h(
    'section',
    { class: 'daily', 'aria-labelledby': id('title') },
    h('h3', { id: id('title') }, bi('登记用餐', 'Record meals served')),
    h(
      'p',
      { class: 'hint' },
      bi(
        '每天登记一次，按当天政策标准计入月度结算；已结算月份不能再登记。',
        "One record a day, priced by that day's policy for the monthly settlement; a settled month takes no more.",
      ),
    ),
    form,
    list,
  );
  const showRecords = () => replaceChildren(list, renderDailyRecords(programme, recordedDays.get(a.id) ?? []));
  showRecords();
  // What was recorded before this page opened (the first page: a month of days).
  api
    .get(`/assignments/${encodeURIComponent(a.id)}/records?limit=100`)
    .then((page) => {
      recordedDays.set(a.id, [...(page.items ?? [])].sort((x, y) => y.date.localeCompare(x.date)));
      showRecords();
    })
    // The form works without the list: a failed read leaves what this page recorded.
    .catch(() => {});

  const fieldOf = (name) => form.querySelector(`.field[data-field="${name}"]`);
  const clear = () => {
    replaceChildren(errors);
    for (const name of ['date', 'count']) {
      const field = fieldOf(name);
      const input = field.querySelector('input');
      field.classList.remove('invalid');
      field.querySelector('.field-error')?.remove();
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', id(`${name}-hint`));
      field.querySelector('.hint').hidden = false;
    }
  };
  /** Issues on `date` or `count` beside their field; anything else above the form. Focus goes to the first. */
  const show = (issues, err) => {
    let first = null;
    const elsewhere = [];
    for (const issue of issues) {
      const field = issue.path === 'date' || issue.path === 'count' ? fieldOf(issue.path) : null;
      if (!field) {
        elsewhere.push(issue);
        continue;
      }
      const input = field.querySelector('input');
      const errorId = id(`${issue.path}-error`);
      field.classList.add('invalid');
      const box = field.querySelector('.field-error') ?? h('p', { class: 'field-error', id: errorId });
      // Two reasons on one field (rare) are both shown.
      box.textContent = box.textContent ? `${box.textContent}；${issue.message ?? ''}` : (issue.message ?? '');
      input.after(box);
      input.setAttribute('aria-invalid', 'true');
      // The count's refusal restates its hint (the daily maximum): only the refusal is shown.
      const hint = field.querySelector('.hint');
      hint.hidden = issue.path === 'count';
      input.setAttribute('aria-describedby', hint.hidden ? errorId : `${errorId} ${hint.id}`);
      first ??= input;
    }
    if (err && (elsewhere.length || !first)) {
      replaceChildren(errors, problemBox(err, { titleZh: '未能登记', titleEn: 'Not recorded' }));
    }
    (first ?? errors).focus();
  };

  form.addEventListener('input', () => {
    form.dataset.dirty = 'true';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const n = Number(count.value);
    const local = [];
    if (!date.value) local.push({ path: 'date', message: '请选择日期 / Choose the day' });
    if (count.value.trim() === '' || !Number.isInteger(n) || n < 1) local.push({ path: 'count', message: '请填写份数（整数，至少 1）/ Give a whole number, at least 1' });
    if (local.length) return show(local);
    submit.disabled = true;
    try {
      const record = await api.post(`/assignments/${encodeURIComponent(a.id)}/meals`, { date: date.value, count: n });
      recordedDays.set(a.id, [record, ...(recordedDays.get(a.id) ?? [])]);
      delete form.dataset.dirty;
      showRecords();
      const q = quantityText(programme, record.units);
      toast([
        `已登记 ${record.date} ${q.zh}：${a.subjectName ?? ''}，补贴 ${formatFen(record.amountFen)}`,
        `Recorded ${q.en} on ${record.date}: subsidy ${yuanText(record.amountFen)} yuan.`,
      ]);
    } catch (err) {
      show(err.issues ?? [], err);
    } finally {
      submit.disabled = false;
    }
  });
  return section;
}

/** The days recorded (from the server, and from this page since): date, count, the policy's rate, the amount. */
function renderDailyRecords(programme, records) {
  if (!records.length) return null;
  return [
    h('h4', {}, bi('已登记的用餐', 'Meals recorded')),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': '已登记的用餐 Meals recorded', tabindex: 0 },
      h(
        'table',
        { class: 'daily-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, bi('日期', 'Date')),
            h('th', { scope: 'col' }, bi('份数', 'Count')),
            h('th', { scope: 'col' }, bi('补贴标准', 'Rate')),
            h('th', { scope: 'col' }, bi('金额', 'Amount')),
          ),
        ),
        h(
          'tbody',
          {},
          records.map((r) => {
            const q = quantityText(programme, r.units);
            const rate = rateText(programme, r.rateFen);
            return h(
              'tr',
              { dataset: { date: r.date } },
              h('th', { scope: 'row' }, h('time', { datetime: r.date }, r.date)),
              h('td', {}, stacked(q.zh, q.en)),
              h('td', {}, stacked(rate.zh, rate.en), r.policyVersion ? [h('br'), policyText(programme, r.policyVersion)] : null),
              h('td', { class: 'plan-num' }, stacked(formatFen(r.amountFen), `${yuanText(r.amountFen)} yuan`)),
            );
          }),
        ),
      ),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Jobs with steps (programmes with a priced catalogue): plan, family confirms, build, inspection
// ---------------------------------------------------------------------------------------------

/** What the provider does at each step. */
const PROVIDER_JOB_NEXT = {
  PLANNING: ['请上门评估后，按目录填写改造方案，提交家庭确认。', 'Visit the home, then plan the work from the catalogue for the family to confirm.'],
  AWAITING_CONFIRMATION: ['方案已提交，等待家庭确认；确认前仍可修改。', 'The plan is with the family to confirm; you may revise it until then.'],
  BUILDING: ['家庭已确认方案，可以施工；完工后请点击“完工报验”。', 'The family confirmed the plan: build, then report the work done.'],
  AWAITING_INSPECTION: ['已报验，等待区民政部门验收。', "Reported done; awaiting the district's inspection."],
  PASSED: ['验收通过，补贴将直接拨付本单位。', 'Passed; the subsidy is paid to you.'],
};

let jobCounter = 0;

/** The job of an assignment: its step, the priced plan, the inspections, and what can be done next. */
function renderJobSection(a, programme) {
  const n = ++jobCounter;
  const job = a.job ?? { step: 'PLANNING', inspections: [] };
  const step = jobStep(job);
  const failed = step === 'BUILDING' ? lastFailedInspection(job) : undefined;
  const open = a.status === 'ACCEPTED';
  const next = PROVIDER_JOB_NEXT[step];
  const section = h(
    'section',
    { class: 'job', 'aria-labelledby': `job-${n}-title`, dataset: { step } },
    h('h3', { id: `job-${n}-title` }, bi('改造工程', 'The job'), ' ', h('span', { class: 'job-step' }, badge(JOB_STEPS, step))),
    // After a failed inspection the alert below says what to do.
    next && !failed ? h('p', { class: 'next-step' }, bi(next[0], next[1])) : null,
    failed
      ? h(
          'div',
          { class: 'alert alert-error job-failed' },
          h('p', { class: 'alert-title' }, bi('验收未通过，请整改后再次报验', 'The inspection failed: put it right and report again')),
          failed.note ? h('p', {}, failed.note) : null,
        )
      : null,
    job.plan ? [h('h4', {}, bi('改造方案', 'The plan')), renderPlan(job.plan, { shareZh: '家庭自付', shareEn: "Family's share", programme })] : null,
    defList([
      ['家庭确认', 'Confirmed by the family', job.confirmedAt ? timeEl(job.confirmedAt) : null],
      ['完工报验', 'Reported done', job.workCompletedAt ? timeEl(job.workCompletedAt) : null],
      ['完工说明', 'Note on the work', job.workNote || null],
    ]),
    job.inspections?.length ? [h('h4', {}, bi('验收记录', 'Inspections')), renderInspections(job.inspections)] : null,
  );
  if (!open) return section;

  if (step === 'PLANNING') {
    section.append(renderPlanForm(a, programme, job));
  } else if (step === 'AWAITING_CONFIRMATION') {
    const revise = h('details', { class: 'plan-revise' }, h('summary', {}, bi('修改方案', 'Revise the plan')), renderPlanForm(a, programme, job));
    section.append(revise);
  } else if (step === 'BUILDING') {
    const report = h('button', { type: 'button', class: 'btn btn-primary report-done' }, bi('完工报验', 'Report work done'));
    report.addEventListener('click', () => reportDone(a, report));
    section.append(h('div', { class: 'actions' }, report));
  }
  return section;
}

/**
 * The plan form: rows of a catalogue item, a quantity and a unit price in yuan. Starts from the plan
 * already sent (revising it) or from the items the family wished for. The server prices it; its
 * field errors (`items.1.quantity`) are shown beside the row they name.
 */
function renderPlanForm(a, programme, job) {
  const n = ++formCounter;
  const catalogue = catalogueOf(programme);
  const byCode = new Map(catalogue.map((c) => [c.code, c]));
  const rowsList = h('ol', { class: 'plan-rows' });
  const errors = h('div', { tabindex: -1, class: 'plan-errors' });
  const preview = h('p', { class: 'plan-preview', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary plan-submit' }, job.plan ? bi('重新提交方案', 'Send the revised plan') : bi('提交方案', 'Send the plan'));
  const add = h('button', { type: 'button', class: 'btn btn-secondary plan-add' }, bi('添加项目', 'Add an item'));
  let rowCounter = 0;

  const rows = () => [...rowsList.querySelectorAll(':scope > li')];

  /** One row; `init`: {code, quantity, unitPrice} (strings or numbers, any may be empty). */
  function addRow(init = {}) {
    const r = `plan-${n}-row-${++rowCounter}`;
    const select = h(
      'select',
      { id: `${r}-code`, name: 'code', 'aria-describedby': `${r}-code-hint` },
      h('option', { value: '' }, '请选择 Choose an item'),
      catalogue.map((c) => h('option', { value: c.code, selected: c.code === init.code }, `${c.nameZh} ${c.name}`)),
    );
    const quantity = h('input', { id: `${r}-quantity`, name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, step: 1, value: init.quantity ?? '' });
    const price = h('input', { id: `${r}-unitPrice`, name: 'unitPrice', type: 'number', inputmode: 'decimal', min: 0.01, step: 0.01, value: init.unitPrice ?? '' });
    const codeHint = h('p', { class: 'hint', id: `${r}-code-hint` });
    const quantityUnit = h('span', { class: 'unit-suffix', id: `${r}-quantity-unit` });
    const lineTotal = h('p', { class: 'plan-line-total meta' });
    const remove = h('button', { type: 'button', class: 'btn btn-secondary btn-small plan-remove' });
    const li = h(
      'li',
      { class: 'plan-row' },
      h(
        'div',
        { class: 'field-row' },
        h('div', { class: 'field plan-item', dataset: { field: 'code' } }, h('label', { for: select.id }, bi('改造项目', 'Item')), select, codeHint),
        h(
          'div',
          { class: 'field plan-quantity', dataset: { field: 'quantity' } },
          h('label', { for: quantity.id }, bi('数量', 'Quantity'), ' ', quantityUnit),
          quantity,
        ),
        h('div', { class: 'field plan-price', dataset: { field: 'unitPrice' } }, h('label', { for: price.id }, bi('单价（元）', 'Unit price (yuan)')), price),
      ),
      h('div', { class: 'plan-row-foot' }, lineTotal, remove),
    );
    const refresh = () => {
      const c = byCode.get(select.value);
      replaceChildren(
        codeHint,
        c
          ? bi(
              `单位：${c.unit.zh} · 每${c.unit.zh}补贴 ${formatFen(c.subsidyPerUnitFen)} · 每户最多 ${c.maxQuantity} ${c.unit.zh}`,
              `Per ${c.unit.en}: subsidy ${yuanText(c.subsidyPerUnitFen)} yuan; at most ${c.maxQuantity} per household`,
            )
          : bi('从政策目录中选择', 'From the policy catalogue'),
      );
      replaceChildren(quantityUnit, c ? `（${c.unit.zh} ${c.unit.en}）` : '');
      if (c) quantity.max = String(c.maxQuantity);
      else quantity.removeAttribute('max');
      const q = Number(quantity.value);
      const p = Number(price.value);
      replaceChildren(
        lineTotal,
        quantity.value && price.value && Number.isFinite(q * p) ? bi(`小计 ${(q * p).toFixed(2)} 元`, `Line total ${(q * p).toFixed(2)} yuan`) : null,
      );
      updatePreview();
    };
    for (const el of [select, quantity, price]) {
      el.addEventListener('input', refresh);
      el.addEventListener('change', refresh);
    }
    remove.addEventListener('click', () => {
      const next = li.nextElementSibling ?? li.previousElementSibling;
      li.remove();
      renumber();
      updatePreview();
      (next?.querySelector('select') ?? add).focus();
    });
    rowsList.append(li);
    renumber();
    refresh();
    return li;
  }

  /** Row numbers in the remove buttons' names, and the last row cannot be removed. */
  function renumber() {
    const all = rows();
    all.forEach((li, i) => {
      const remove = li.querySelector('.plan-remove');
      replaceChildren(remove, bi(`删除第${i + 1}项`, `Remove item ${i + 1}`));
      remove.disabled = all.length === 1;
    });
  }

  /** The plan's price as typed so far (the subsidy is worked out by the server on sending). */
  function updatePreview() {
    let total = 0;
    let complete = true;
    for (const li of rows()) {
      const q = Number(li.querySelector('[name="quantity"]').value);
      const p = Number(li.querySelector('[name="unitPrice"]').value);
      if (!q || !p) complete = false;
      else total += Math.round(p * 100) * q;
    }
    replaceChildren(
      preview,
      total > 0
        ? bi(
            `已填项目合计 ${formatFen(total)}${complete ? '' : '（尚有未填完的项目）'}；补贴和家庭自付在提交后按政策核算。`,
            `Items so far: ${yuanText(total)} yuan${complete ? '' : ' (some rows are incomplete)'}; the subsidy and the family's share are worked out when you send it.`,
          )
        : null,
    );
  }

  const initial = job.plan?.lines?.length
    ? job.plan.lines.map((l) => ({ code: l.code, quantity: l.quantity, unitPrice: yuanText(l.unitPriceFen) }))
    : (Array.isArray(a.needs?.wishes) ? a.needs.wishes : []).filter((code) => byCode.has(code)).map((code) => ({ code }));
  if (!initial.length) initial.push({});
  for (const init of initial) addRow(init);
  add.addEventListener('click', () => addRow().querySelector('select').focus());

  const form = h(
    'form',
    { class: 'plan-form', novalidate: true, 'aria-labelledby': `plan-${n}-title` },
    h('h4', { id: `plan-${n}-title` }, job.plan ? bi('修改改造方案', 'Revise the plan') : bi('填写改造方案', 'Plan the work')),
    h(
      'p',
      { class: 'hint' },
      bi(
        '每个项目一行，同一项目请合并数量。补贴按目录标准与实际单价中较低者计算，每户有补贴上限，其余由家庭自付。',
        "One row per item (add up the quantities of one item). Each item is subsidised at the catalogue's rate or its price, whichever is lower, up to the household cap; the family pays the rest.",
      ),
    ),
    errors,
    rowsList,
    h('div', { class: 'actions' }, add),
    preview,
    h('div', { class: 'actions' }, submit),
  );
  // A form being filled in is not wiped by the background refresh (see start()).
  form.addEventListener('input', () => {
    form.dataset.dirty = 'true';
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearRowErrors(form);
    replaceChildren(errors);
    const sent = rows();
    const items = sent.map((li) => {
      const item = { code: li.querySelector('[name="code"]').value };
      const q = li.querySelector('[name="quantity"]').value.trim();
      const p = li.querySelector('[name="unitPrice"]').value.trim();
      // Left out when empty, so the server names the missing field.
      if (q !== '') item.quantity = Number(q);
      if (p !== '') item.unitPrice = Number(p);
      return item;
    });
    const unchosen = items.flatMap((item, i) => (item.code ? [] : [{ path: `items.${i}.code`, message: '请选择改造项目 / Choose an item' }]));
    if (unchosen.length) {
      showRowErrors(errors, sent, unchosen);
      return;
    }
    submit.disabled = true;
    try {
      const updated = await api.post(path(a, 'plan'), { items });
      const plan = updated.job?.plan;
      toast([
        `已提交改造方案：${a.subjectName ?? ''}，补贴 ${formatFen(plan?.subsidyFen)}，家庭自付 ${formatFen(plan?.householdFen)}`,
        `Plan sent: subsidy ${yuanText(plan?.subsidyFen)} yuan, the family pays ${yuanText(plan?.householdFen)} yuan.`,
      ]);
      // Show the priced plan at once; the lists catch up in the background.
      const li = form.closest('li[data-assignment-id]');
      const fresh = renderAssignment(updated, 'all');
      li?.replaceWith(fresh);
      fresh.querySelector('.job h4')?.setAttribute('tabindex', '-1');
      fresh.querySelector('.job h4')?.focus();
      reloadBoth({ quiet: true });
    } catch (err) {
      showRowErrors(errors, sent, err.issues ?? [], err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Remove the field errors of the plan rows. */
function clearRowErrors(form) {
  for (const el of form.querySelectorAll('.plan-row .field-error')) el.remove();
  for (const field of form.querySelectorAll('.plan-row .invalid')) field.classList.remove('invalid');
  for (const input of form.querySelectorAll('.plan-row [aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const kept = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (kept.length) input.setAttribute('aria-describedby', kept.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

/**
 * Show issues beside the rows they name (`items.<i>.<code|quantity|unitPrice>`, `i` indexing the
 * rows as sent); any others, and the error itself, above the rows. Focus goes to the first one.
 */
function showRowErrors(box, sent, issues, err) {
  const elsewhere = [];
  let first = null;
  for (const issue of issues) {
    const m = /^items\.(\d+)\.(code|quantity|unitPrice)$/.exec(issue.path ?? '');
    const li = m ? sent[Number(m[1])] : undefined;
    const field = li?.isConnected ? li.querySelector(`.field[data-field="${m[2]}"]`) : null;
    const input = field?.querySelector('select, input');
    if (!field || !input) {
      elsewhere.push(issue);
      continue;
    }
    const errorId = `${input.id}-error`;
    field.classList.add('invalid');
    field.append(h('p', { class: 'field-error', id: errorId }, issue.message ?? ''));
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), errorId].filter(Boolean).join(' '));
    first ??= input;
  }
  if (err) {
    const title = first ? ['方案未提交，请修改标出的项目', 'The plan was not sent: correct the marked items'] : ['方案未提交', 'The plan was not sent'];
    replaceChildren(box, problemBox(err, { titleZh: title[0], titleEn: title[1], withIssues: false }));
  } else if (elsewhere.length || first) {
    replaceChildren(box, h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'alert-title' }, bi('请修改标出的项目', 'Please correct the marked items'))));
  }
  if (elsewhere.length) {
    box.querySelector('.alert')?.append(h('ul', { class: 'issue-list' }, elsewhere.map((i) => h('li', {}, i.message ?? ''))));
  }
  (first ?? box).focus();
}

/** The work is done: report it for the district's inspection, with an optional note. */
async function reportDone(a, button) {
  const note = await askDialog({
    titleZh: '完工报验？',
    titleEn: 'Report the work done?',
    textZh: `${a.subjectName ?? ''}：报验后由区民政部门验收，验收通过后补贴拨付本单位。`,
    textEn: 'The district then inspects the work; once it passes, the subsidy is paid to you.',
    labelZh: '完工说明（选填，验收人员可见）',
    labelEn: 'Note on the work (optional; the inspector reads it)',
    confirmZh: '提交报验',
    confirmEn: 'Report work done',
  });
  if (note === null) return;
  await runAction([button], () => api.post(path(a, 'complete'), note ? { note } : {}), {
    okZh: `已报验，等待验收：${a.subjectName ?? ''}`,
    okEn: 'Reported done; awaiting inspection.',
    failZh: '报验未成功',
    failEn: 'Could not report the work done',
  });
  reloadBoth({ quiet: true });
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
              [
                '服务地点',
                'Where',
                typeof v.distanceMetres === 'number'
                  ? v.distanceMetres < 50
                    ? bi('在老人家中', "At the resident's home")
                    : bi(`距老人住址 ${Math.round(v.distanceMetres)} 米`, `${Math.round(v.distanceMetres)} m from the address`)
                  : null,
              ],
            ]),
          ),
        ),
      );
    } catch (err) {
      replaceChildren(listStatus, problemBox(err, { titleZh: '无法加载服务记录', titleEn: 'Could not load the visits' }));
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

  // Coordinates are typed only when the browser cannot give the location: tucked away, opened then.
  const manual = h(
    'details',
    { class: 'manual-location' },
    h('summary', {}, bi('无法定位时，手动填写坐标', 'Type the coordinates if your location is not available')),
    h(
      'div',
      { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: id('lat') }, bi('纬度', 'Latitude')), lat),
      h('div', { class: 'field' }, h('label', { for: id('lng') }, bi('经度', 'Longitude')), lng),
    ),
  );
  const fillLocation = async () => {
    const ok = await fillFromGeolocation({
      button: locate,
      status: locateStatus,
      lat,
      lng,
      fallback: ['请允许浏览器定位后再试，或展开下方手动填写坐标。', 'Allow the browser to use your location and try again, or type the coordinates below.'],
    });
    if (!ok) manual.open = true;
    return ok;
  };
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
      'fieldset',
      { class: 'visit-place' },
      h('legend', {}, bi('服务地点', 'Where the visit took place')),
      h(
        'p',
        { class: 'hint' },
        bi('请在老人家中点击“使用当前位置”：服务地点须在老人住址附近。', "At the resident's home, tap “Use my location”: the visit must be near their address."),
      ),
      h('div', { class: 'actions' }, locate),
      locateStatus,
      manual,
    ),
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replaceChildren(errors);
    if ((lat.value === '' || lng.value === '') && !(await fillLocation())) {
      replaceChildren(
        errors,
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          bi('未能登记：不知道服务地点。请允许定位后点击“使用当前位置”，或手动填写坐标。', 'Not recorded: the place of the visit is missing. Allow location and tap “Use my location”, or type the coordinates.'),
        ),
      );
      errors.focus();
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
      replaceChildren(errors, problemBox(err, { titleZh: '未能登记', titleEn: 'The visit was not recorded' }));
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

/**
 * Run an action on an assignment, disabling its buttons meanwhile, and say how it went. A 409 means
 * the assignment changed under us (the offer expired, was cancelled or was answered elsewhere): the
 * toast says so in words and the lists are refreshed to show where it is now.
 */
async function act(buttons, call, { okZh, okEn, failZh, failEn }) {
  for (const b of buttons) b.disabled = true;
  try {
    await call();
    toast([okZh, okEn]);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      toast(
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          h('p', { class: 'alert-title' }, bi(failZh, failEn)),
          h(
            'p',
            {},
            bi(
              '这个派单已有变化（可能已过期、已取消或已处理）。列表已刷新，请在“全部派单”中查看它现在的状态。',
              'This offer has changed (it expired, was cancelled or was already answered). The lists are refreshed: see its state under All assignments.',
            ),
          ),
        ),
        'error',
      );
    } else {
      toast(problemBox(err, { titleZh: failZh, titleEn: failEn }), 'error');
    }
    return false;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** After an action, move focus to the assignment in "all assignments" (its title), if it is listed there. */
function focusAssignment(id) {
  const title = document.querySelector(`#all-list li[data-assignment-id="${CSS.escape(id)}"] .item-title`);
  title?.focus();
}

/** An element that can take focus from a script (a heading). */
function focusable(el) {
  if (el && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  return el;
}

async function accept(a, buttons) {
  const ok = await act(buttons, () => api.post(path(a, 'accept'), {}), {
    okZh: `已接单：${a.subjectName ?? ''}，联系方式已显示`,
    okEn: 'Accepted: the contact details are shown.',
    failZh: '接单未成功',
    failEn: 'Could not accept',
  });
  await reloadBoth({ quiet: true });
  if (ok) focusAssignment(a.id);
}

async function decline(a, buttons) {
  const noun = nounOf(a);
  const who = subjectWord(a);
  const reason = await askDialog({
    titleZh: `拒绝${a.subjectName ?? ''}的派单？`,
    titleEn: 'Decline this offer?',
    textZh: `拒绝后，系统会为${who.zh}另找${noun.zh}；这份申请近期不会再派给您。此操作不能撤销。`,
    textEn: `Another ${noun.en} will be found for the ${who.en}, and this application will not be offered to you again for a while. This cannot be undone.`,
    labelZh: '拒绝原因（例如：名额已满、无法提供该服务）',
    labelEn: 'Reason (e.g. full, cannot provide this service)',
    required: true,
    confirmZh: '确认拒绝',
    confirmEn: 'Decline',
    danger: true,
  });
  if (reason === null) return;
  const ok = await act(buttons, () => api.post(path(a, 'decline'), { reason }), {
    okZh: `已拒绝该派单，系统正在为${who.zh}另找${noun.zh}。`,
    okEn: `Offer declined; another ${noun.en} is being found.`,
    failZh: '拒绝未成功',
    failEn: 'Could not decline',
  });
  await reloadBoth({ quiet: true });
  // The offer has gone: keyboard users go on from the next offer, or the section's heading.
  if (ok) (document.querySelector('#offers-list .item-title') ?? focusable($('#offers-title')))?.focus();
}

async function complete(a, buttons) {
  const programme = vocab.byType.get(a.type);
  const recorded = maxPerDay(programme)
    ? ['已登记的用餐按月结算；结束后不能再登记。', 'Meals recorded are settled monthly; none can be recorded after this.']
    : recordsVisits(programme)
      ? ['已登记的上门服务按月结算；结束后不能再登记。', 'Visits recorded are settled monthly; none can be recorded after this.']
      : ['补贴随后结算。', 'The subsidy is then settled.'];
  const who = subjectWord(a);
  const ok = await askDialog({
    input: false,
    titleZh: `确认${a.subjectName ?? ''}的服务已完成？`,
    titleEn: 'Confirm the service is complete?',
    textZh: `确认后，这项服务结束，名额释放给其他${who.zh}。${recorded[0]}此操作不能撤销。`,
    textEn: `The service then ends and its place goes to another ${who.en}. ${recorded[1]} This cannot be undone.`,
    confirmZh: '确认完成',
    confirmEn: 'Yes, completed',
  });
  if (!ok) return;
  const done = await act(buttons, () => api.post(path(a, 'complete'), {}), {
    okZh: '已记录服务完成。',
    okEn: 'Marked as completed.',
    failZh: '提交未成功',
    failEn: 'Could not mark as completed',
  });
  await reloadBoth({ quiet: true });
  if (done) focusAssignment(a.id);
}

/** Whether a plan form being filled in is on screen (a background refresh would wipe it). */
function editing() {
  return [...document.querySelectorAll('form[data-dirty]')].some((f) => (typeof f.checkVisibility === 'function' ? f.checkVisibility() : true));
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

/** The page's heading: the provider's name, never its id. */
function showName(name) {
  if (!name) return;
  replaceChildren($('#provider-name'), name);
  document.title = `${name} · 接单 Assignments · 惠民 Huimin`;
}

/** "待接单 2": the count of open offers in the section heading (first page; "20+" when there are more). */
function showOfferCount(items, more) {
  const n = items.filter((a) => a.status === 'OFFERED').length;
  replaceChildren($('#offers-count'), n ? `${n}${more ? '+' : ''}` : '');
  $('#offers-count').hidden = !n;
}

async function start() {
  let session;
  try {
    ({ api, session } = await startPage({ role: 'provider', titleZh: '服务机构接单', titleEn: 'Provider: assignments' }));
  } catch (err) {
    replaceChildren($('#signin-status'), problemBox(err, { titleZh: '登录未成功，请刷新页面重新登录', titleEn: 'Sign-in failed: reload the page to sign in again' }));
    return;
  }
  if (!api) return; // being sent to the sign-in page
  showName(session?.name);
  startDueTimers();
  try {
    await loadVocabulary(api);
  } catch (err) {
    replaceChildren($('#signin-status'), problemBox(err, { titleZh: '页面未能加载，请刷新重试', titleEn: 'The page could not load: reload to try again' }));
    return;
  }
  fillStatusFilter(allFilter, vocab.assignmentStatus);
  offers = pagedList({
    api,
    path: '/assignments',
    query: () => ({ status: 'OFFERED' }),
    list: $('#offers-list'),
    more: $('#offers-more'),
    status: $('#offers-status'),
    emptyZh: '目前没有待接的派单。有新派单时会出现在这里，并在“消息”中提醒您。',
    emptyEn: 'No offers waiting. New offers appear here, and in your notifications.',
    renderItem: (a) => renderAssignment(a, 'offers'),
    onLoaded: (items) => {
      showOfferCount(items, false);
      // Without a name from the sign-in (a dev shortcut), the assignments carry it.
      if (!session?.name && items[0]?.providerName) showName(items[0].providerName);
    },
  });
  all = pagedList({
    api,
    path: '/assignments',
    query: () => ({ status: allFilter.value }),
    list: $('#all-list'),
    more: $('#all-more'),
    status: $('#all-status'),
    emptyZh: '还没有派单。申请派给本机构后会出现在这里。',
    emptyEn: 'No assignments yet. Applications offered to you appear here.',
    renderItem: (a) => renderAssignment(a, 'all'),
    onLoaded: (items) => {
      if (!session?.name && items[0]?.providerName) showName(items[0].providerName);
    },
  });
  reloadBoth();
  // Background refresh: skipped while the tab is hidden or a dialog is open; quiet reloads only
  // re-render a list whose first page changed, so focus is not lost for nothing.
  setInterval(() => {
    if (document.hidden || document.querySelector('dialog[open]') || editing()) return;
    reloadBoth({ quiet: true });
  }, REFRESH_MS);
}

start();
