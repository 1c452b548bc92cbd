import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CONTEXT, flat, localStackWithBrowser, SHOTS, seriousViolations, text } from './support';

/**
 * Childcare places (普惠托育) across the three pages in a real (headless) browser: a family ranks
 * two nurseries for a toddler on the family page; another child with a brother or sister at the
 * first nursery (40 points) takes that class's only place; staff run a childcare round in the
 * staff console (confirming first) and read its lottery seed and cutoffs; the second nursery sees
 * the offer as the family's to answer; the family takes the place and reads why it did not get its
 * first choice. `npm run test:browser`; Debian's Chromium driven by playwright-core.
 */

const TYPE = 'childcare';
const FIRST = { id: 'childcare-320113-xianlin', name: '仙林街道普惠托育中心' };
const SECOND = { id: 'childcare-320113-xianlin-hu', name: '仙林湖社区嵌入式托育点' };

const env = localStackWithBrowser('web-cc');

/** A family page's text, asking it to fetch the application now (states that wait for days are polled slowly). */
const fresh = (page: Page, selector: string) => async () => {
  await page.click('#detail-refresh');
  return flat(page.locator(selector));
};

const idNumber = (first17: string) => first17 + checkCharFor(first17);

/** YYYY-MM of this month in China, moved by `offset` months. */
function chinaMonth(offset = 0): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() + offset;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** A Qixia child born on the 1st, `months` months before next month: that old when it starts (托小班 for 12–23). */
function childId(months: number, serial: string): string {
  return idNumber(`320113${chinaMonth(1 - months).replace('-', '')}01${serial}`);
}


/** Close the toasts (as a user would) so a full-page screenshot shows what is under them. */
async function closeToasts(page: Page): Promise<void> {
  for (const close of await page.locator('.toast-close').all()) await close.click();
}

interface Directory {
  items: { id: string; classes: { code: string; capacity: number }[] }[];
}
interface Capacity {
  pools: Record<string, { capacity: number; available: number }>;
}
interface Application {
  id: string;
  status: string;
}
interface Rounds {
  items: { type: string; lotterySeed?: number }[];
}

/** One API call as `token`; the body read as `T` (the assertions check what matters of it). */
async function call<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const raw = await res.text();
  return { status: res.status, body: (raw ? JSON.parse(raw) : null) as T };
}

describe('childcare places in the browser', () => {
  it('a family ranks nurseries, staff run a round, the family takes its second choice and reads why not its first', async () => {
    const staffToken = await env.stack.tokens.sign({ role: 'staff', sub: 'browser-cc-staff', district: '320113' });
    const siblingToken = await env.stack.tokens.sign({ role: 'family', sub: `browser-cc-sibling-${randomUUID()}` });

    // 0. The first nursery's toddler class gets one place, which a child with a brother or sister
    //    there (40 points; living in 马群, too far for the nearby points) will take.
    const directory = await call<Directory>('GET', `/programmes/${TYPE}/providers?district=320113`, siblingToken);
    expect(directory.status).toBe(200);
    const first = directory.body.items.find((p) => p.id === FIRST.id);
    const places = Object.fromEntries((first?.classes ?? []).map((c) => [c.code, c.capacity]));
    const capacity = await call<Capacity>('PUT', `/providers/${FIRST.id}/capacity`, staffToken, { places: { ...places, toddler: 1 } });
    expect(capacity.status, JSON.stringify(capacity.body)).toBe(200);
    expect(capacity.body.pools.toddler).toMatchObject({ capacity: 1, available: 1 });

    const sibling = await call<Application>('POST', '/applications', siblingToken, {
      type: TYPE,
      applicant: { name: '李娜', phone: '13812345670', relationship: 'relative' },
      subject: {
        name: '李小宝',
        idNumber: childId(15, '011'),
        address: { district: '320113', street: '马群街道', location: { lat: 32.045, lng: 118.88 } },
      },
      needs: { preferences: [FIRST.id], startMonth: chinaMonth(1), siblingEnrolledAt: FIRST.id },
    });
    expect(sibling.status, JSON.stringify(sibling.body)).toBe(202);
    await expect
      .poll(async () => (await call<Application>('GET', `/applications/${sibling.body.id}`, siblingToken)).body.status, { timeout: 15_000 })
      .toBe('WAITLISTED');

    // 1. The family: the programme's needs come from GET /programmes, the nurseries from the
    //    district's directory.
    const familySub = `browser-cc-${randomUUID()}`;
    const family = await (await env.browser.newContext(CONTEXT)).newPage();
    await family.goto(`${env.stack.url}/?sub=${familySub}`);
    await family.locator('#apply-form[data-ready]').waitFor();
    const childcare = family.locator('#programme-choices label', { hasText: '普惠托育' });
    await childcare.locator('input').check();
    expect(await flat(family.locator('#subject-legend'))).toContain('幼儿信息');
    // The form opens empty: the example fills in the applicant and the home.
    await family.click('#fill-example');
    await family.fill('#subject-name', '王小米');
    await family.fill('#subject-id', childId(14, '002'));
    // The start month defaults to next month.
    expect(await family.locator('input[type="month"][name="needs.startMonth"]').inputValue()).toBe(chinaMonth(1));

    // Ranked choices: add the second nursery, then the first, and move the first up.
    const add = (name: string) => family.locator('.directory-item', { hasText: name }).getByRole('button', { name: /加入志愿/ });
    await add(SECOND.name).click();
    await add(FIRST.name).click();
    await family.locator('.ranked-item', { hasText: FIRST.name }).getByRole('button', { name: /上移/ }).click();
    const choices = family.locator('.ranked-list > li');
    expect(await choices.count()).toBe(2);
    expect(await flat(choices.nth(0))).toMatch(new RegExp(`第1志愿 1st choice ${FIRST.name}`));
    expect(await flat(choices.nth(1))).toMatch(new RegExp(`第2志愿 2nd choice ${SECOND.name}`));
    // A boolean need is a checkbox (left unticked: no points for a parent working in the district).
    expect(await family.getByLabel(/父母一方在本区工作/).isChecked()).toBe(false);
    if (SHOTS) await family.screenshot({ path: `${SHOTS}/childcare-form.png`, fullPage: true });
    await family.click('#submit');

    await family.locator('#detail-view').waitFor({ state: 'visible' });
    await expect.poll(text(family, '#detail'), { timeout: 15_000 }).toContain('等待下一轮统一分配');
    const waiting = await flat(family.locator('#detail'));
    expect(waiting).toContain(`第1志愿 1st choice ${FIRST.name}`);
    expect(waiting).toContain(`第2志愿 2nd choice ${SECOND.name}`);
    const applicationId = new URL(family.url()).hash.replace('#app=', '');

    // 2. Staff run a childcare round in the console, confirming first.
    const staff = await (await env.browser.newContext(CONTEXT)).newPage();
    await staff.goto(`${env.stack.url}/staff.html?sub=browser-cc-staff`);
    await staff.locator('#report-type option', { hasText: '普惠托育' }).waitFor({ state: 'attached' });
    await staff.selectOption('#report-type', { label: '普惠托育 Childcare places' });
    await expect.poll(text(staff, '#round-hint')).toContain('志愿');
    await staff.click('#allocate');
    const confirm = staff.locator('dialog[open]');
    expect(await flat(confirm)).toContain('开始普惠托育全区统筹分配');
    await confirm.locator('button[type="submit"]').click();
    await staff.locator('#lottery-seed').waitFor({ timeout: 20_000 });

    const rounds = await call<Rounds>('GET', '/allocation-rounds', staffToken);
    const round = rounds.body.items.find((r) => r.type === TYPE);
    expect(round?.lotterySeed).toBeTypeOf('number');
    expect(await flat(staff.locator('#lottery-seed'))).toBe(`本轮抽签种子 Lottery seed: ${round?.lotterySeed} — 任何人可据此复核 anyone can re-run it`);
    const full = staff.locator(`#cutoffs tr[data-provider="${FIRST.id}"][data-class="toddler"]`);
    expect(await flat(full)).toMatch(/托小班.* 1 1 40 分 · 抽签号 0\.\d{4} 40 points · lottery 0\.\d{4}/);
    const open = staff.locator(`#cutoffs tr[data-provider="${SECOND.id}"][data-class="toddler"]`);
    expect(await flat(open)).toContain('未满 not full');
    expect(await seriousViolations(staff)).toEqual([]);
    if (SHOTS) {
      await closeToasts(staff);
      await staff.screenshot({ path: `${SHOTS}/childcare-staff-cutoffs.png`, fullPage: true });
      await staff.locator('#round-result').screenshot({ path: `${SHOTS}/childcare-staff-round.png` });
    }

    // 3. The second nursery sees the offer as the family's to answer: no accept or decline here.
    // Reduced motion: confirmations go at once rather than fade, so axe never meets one half-faded.
    const nursery = await (await env.browser.newContext({ ...CONTEXT, reducedMotion: 'reduce' })).newPage();
    await nursery.goto(`${env.stack.url}/provider.html?providerId=${SECOND.id}&sub=browser-cc-nursery`);
    const offer = nursery.locator('#offers-list li', { hasText: '王小米' });
    await offer.waitFor({ timeout: 15_000 });
    const offerText = await flat(offer);
    expect(offerText).toContain('等待家庭确认 Awaiting the family');
    expect(offerText).toContain('托小班');
    expect(offerText).not.toContain(FIRST.name);
    expect(await offer.getByRole('button', { name: /接单|拒绝/ }).count()).toBe(0);
    expect(await seriousViolations(nursery)).toEqual([]);
    if (SHOTS) await nursery.screenshot({ path: `${SHOTS}/childcare-nursery.png`, fullPage: true });

    // 4. The family sees its place at the second choice, and why not the first.
    await expect.poll(fresh(family, '#detail'), { timeout: 15_000 }).toContain('待您确认');
    const place = await flat(family.locator('#place-card'));
    expect(place).toContain(SECOND.name);
    expect(place).toContain('托小班');
    expect(place).toContain('第2志愿');
    const why = await flat(family.locator('#why'));
    expect(why).toContain('为什么没有录取到更靠前的志愿 Why not a higher choice');
    expect(why).toMatch(new RegExp(`第1志愿 ${FIRST.name} · 托小班：该班已满，最低录取 40 分（抽签号 0\\.\\d{4}）；王小米 10 分（居住地距该园1000米以内 \\+10）`));
    expect(why).toContain('the lowest admitted had 40 points');
    if (SHOTS) {
      await closeToasts(family);
      await family.screenshot({ path: `${SHOTS}/childcare-family-offer.png`, fullPage: true });
      await family.locator('#allocation-card').screenshot({ path: `${SHOTS}/childcare-family-why.png` });
    }

    // Declining asks first; cancelling leaves the offer open.
    await family.click('#offer-decline');
    const ask = family.locator('dialog[open]');
    expect(await flat(ask)).toContain(`放弃${SECOND.name}的托位`);
    await ask.getByRole('button', { name: /取消/ }).click();
    expect(await family.locator('#offer-accept').isVisible()).toBe(true);

    // 5. The family takes the place.
    await family.click('#offer-accept');
    await family.locator('.toast', { hasText: '已接受' }).waitFor();
    await expect.poll(fresh(family, '#detail .card-status'), { timeout: 15_000 }).toContain('服务中');
    const taken = await flat(family.locator('#detail'));
    expect(taken).toContain('已接受 Taken');
    expect(taken).toContain('为什么没有录取到更靠前的志愿');
    const familyToken = await env.stack.tokens.sign({ role: 'family', sub: familySub });
    expect((await call('GET', `/applications/${applicationId}`, familyToken)).body).toMatchObject({ status: 'ACTIVE', assignment: { providerId: SECOND.id, status: 'ACCEPTED' } });
    if (SHOTS) {
      await closeToasts(family);
      await family.screenshot({ path: `${SHOTS}/childcare-family-accepted.png`, fullPage: true });
    }
  });

  it('a child offered nothing this round reads why and stays in line', async () => {
    // The first nursery's only toddler place is held since the test above: a family ranks only it.
    const familySub = `browser-cc-none-${randomUUID()}`;
    const familyToken = await env.stack.tokens.sign({ role: 'family', sub: familySub });
    const staffToken = await env.stack.tokens.sign({ role: 'staff', sub: 'browser-cc-staff', district: '320113' });
    const applied = await call<Application>('POST', '/applications', familyToken, {
      type: TYPE,
      applicant: { name: '钱丽', phone: '13812345672', relationship: 'relative' },
      subject: {
        name: '钱多多',
        idNumber: childId(13, '021'),
        address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } },
      },
      needs: { preferences: [FIRST.id], startMonth: chinaMonth(1), childrenInFamily: 2 },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(202);
    await expect
      .poll(async () => (await call<Application>('GET', `/applications/${applied.body.id}`, familyToken)).body.status, { timeout: 15_000 })
      .toBe('WAITLISTED');
    const round = await call<{ id: string }>('POST', '/allocation-rounds', staffToken, { type: TYPE });
    expect(round.status).toBe(202);
    await expect.poll(async () => (await call<Application>('GET', `/allocation-rounds/${round.body.id}`, staffToken)).body.status, { timeout: 15_000 }).toBe('COMPLETED');

    const family = await (await env.browser.newContext(CONTEXT)).newPage();
    await family.goto(`${env.stack.url}/?sub=${familySub}#app=${applied.body.id}`);
    await expect.poll(text(family, '#detail'), { timeout: 15_000 }).toContain('本轮没有分配到托位');
    expect(await flat(family.locator('#allocation-outcome'))).toContain('钱多多继续排队，将参加下一轮统一分配');
    const why = await flat(family.locator('#why'));
    expect(why).toContain('为什么没有录取');
    expect(why).toContain(`第1志愿 ${FIRST.name} · 托小班：该班本轮没有空余托位`);
    expect(await family.locator('#place-card').count()).toBe(0);
    if (SHOTS) await family.locator('#allocation-card').screenshot({ path: `${SHOTS}/childcare-family-none.png` });
  });
});
