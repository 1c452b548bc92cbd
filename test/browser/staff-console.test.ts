import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoWaitlist, seedWaitlist } from '../../packages/local/src/seed';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations, signIn } from './support';

/**
 * The district official's console as a real official uses it, at a phone and a desktop viewport:
 * signed in as 栖霞区民政局 through the sign-in page, checks a waiting subsidy against the
 * applicant's phone and approves it, reads the supply–demand report in words (grids named by
 * street and number, unmet explained next to spare, the spare meal points and the naive gap), and
 * runs a meal allocation round: the confirmation says what it will do and cancelling runs nothing;
 * confirmed, the outcome is shown against the state before it.
 */

const env = localStackWithBrowser('staff');

const STAFF = { role: 'staff', name: '栖霞区民政局' } as const;
const APPLICANT_PHONE = '13912345678';

interface Page_<T> {
  items: T[];
  nextToken?: string;
}
interface Subsidy {
  id: string;
  applicationId: string;
  status: string;
}

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** An 80-odd-year-old's ID number of Qixia District, `serial` making it unique. */
function idNumber(serial: number): string {
  const first17 = `32011319440315${String(serial).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

/** Every item of a list, page by page. */
async function listAll<T>(path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call<Page_<T>>('GET', `${path}${sep}limit=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, token);
    items.push(...page.body.items);
    nextToken = page.body.nextToken;
  } while (nextToken);
  return items;
}

/** Close the toasts (as a user would) so a screenshot shows what is under them. */
async function closeToasts(page: Page): Promise<void> {
  for (const close of await page.locator('.toast-close').all()) await close.click();
}

const VIEWPORTS: [string, BrowserContextOptions, number][] = [
  ['phone', PHONE, 101],
  ['desktop', DESKTOP, 202],
];

describe('the staff console', () => {
  for (const [label, viewport, serial] of VIEWPORTS) {
    it(`approves a subsidy against the applicant's contact, explains the report and runs a confirmed round (${label})`, async () => {
      const staffToken = await env.stack.tokens.sign({ role: 'staff', sub: `browser-staff-${label}`, district: '320113' });
      // Residents waiting for a meal place (some within walking distance of a meal point, some not).
      const waitlist = demoWaitlist(60, new Date(), 70_000 + serial).map((app) => ({ ...app, id: `${app.id}-${label}` }));
      await seedWaitlist(env.stack.store, waitlist);

      // A family applies for a meal place: its subsidy waits for staff.
      const subjectName = `王秀英${label === 'phone' ? '甲' : '乙'}`;
      const family = await env.stack.tokens.sign({ role: 'family', sub: `browser-family-${randomUUID()}` });
      const applied = await call<{ id: string }>('POST', '/applications', family, {
        type: 'meal',
        applicant: { name: '王芳', phone: APPLICANT_PHONE, relationship: 'child' },
        subject: { name: subjectName, idNumber: idNumber(serial), address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } } },
      });
      expect(applied.status).toBe(202);
      await expect
        .poll(async () => (await call<Page_<Subsidy>>('GET', '/subsidies?status=PENDING', staffToken)).body.items.some((s) => s.applicationId === applied.body.id), {
          timeout: 15_000,
        })
        .toBe(true);

      // 1. Signed in through the sign-in page; the district by name.
      const context = await env.browser.newContext(viewport);
      const page = await context.newPage();
      await signIn(page, env.stack.url, STAFF);
      expect(new URL(page.url()).pathname).toBe('/staff.html');
      expect(await flat(page.locator('#session-name'))).toContain('栖霞区民政局');
      await expect.poll(() => flat(page.locator('#district-line'))).toContain('栖霞区');
      expect(await flat(page.locator('#district-line'))).not.toMatch(/320113/);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/staff-top-${label}.png` });

      // 2. The pending subsidy names who applied, with a phone link, and the policy in words.
      const pending = page.locator('#subsidies-list li', { hasText: subjectName });
      await pending.waitFor();
      const phone = pending.locator(`a[href="tel:${APPLICANT_PHONE}"]`);
      await phone.waitFor();
      expect(await flat(phone)).toBe(APPLICANT_PHONE);
      await expect.poll(() => flat(pending)).toMatch(/\d+ 岁/);
      const subsidyText = await flat(pending);
      expect(subsidyText).toContain('王芳');
      expect(subsidyText).toContain('仙林街道');
      expect(subsidyText).toContain('《老年助餐服务补贴政策》');
      expect(subsidyText).not.toMatch(/meal-subsidy\//);
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await pending.screenshot({ path: `${SHOTS}/staff-subsidy-${label}.png` });

      await pending.getByRole('button', { name: /批准/ }).click();
      const approveDialog = page.locator('dialog[open]');
      expect(await flat(approveDialog)).toContain(subjectName);
      expect(await seriousViolations(page)).toEqual([]);
      await approveDialog.locator('button[type="submit"]').click();
      await page.locator('.toast', { hasText: '已批准' }).waitFor();
      await expect.poll(() => page.locator('#subsidies-list li', { hasText: subjectName }).count()).toBe(0);
      await closeToasts(page);

      // 3. The supply–demand report of meal places: in words, grids by street and number.
      await page.selectOption('#report-type', 'meal');
      await page.locator('#report-totals').waitFor();
      const explained = await flat(page.locator('#unmet-explained'));
      expect(explained).toContain('没有任何名额能服务到');
      expect(explained).toContain('没有居民需要的名额');
      expect(await flat(page.locator('#naive-gap'))).toMatch(/会得出 \d+ 未满足；按全区统筹的最优分配，实际未满足 \d+/);
      const spare = page.locator('#spare-providers li');
      expect(await spare.count()).toBeGreaterThan(0);
      expect(await flat(spare.first())).toMatch(/空余 \d+ \/ 共 \d+ 个餐位/);
      const street = page.locator('#report table button.toggle').first();
      await street.click();
      const gridNames = await page.locator('#report tr.grid-row:not([hidden]) th').allInnerTexts();
      expect(gridNames.length).toBeGreaterThan(0);
      for (const name of gridNames) expect(name).toMatch(/\S+街道 \d+ 号网格/);
      expect(await flat(page.locator('main'))).not.toMatch(/\d+\.\d+N/);
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) {
        await page.locator('#report').screenshot({ path: `${SHOTS}/staff-report-${label}.png` });
        await page.locator('#unmet-explained').screenshot({ path: `${SHOTS}/staff-report-explained-${label}.png` });
        await page.locator('#report .table-wrap').screenshot({ path: `${SHOTS}/staff-report-table-${label}.png` });
        await page.locator('#spare-providers').screenshot({ path: `${SHOTS}/staff-report-spare-${label}.png` });
        await page.locator('#report .chart').screenshot({ path: `${SHOTS}/staff-report-chart-${label}.png` });
      }

      // 4. A round: the confirmation says what it will do; cancelling runs nothing.
      await env.stack.settle();
      const waiting = (await listAll<{ id: string }>('/applications?status=WAITLISTED&type=meal', staffToken)).length;
      expect(waiting).toBeGreaterThan(0);
      const roundsBefore = (await call<Page_<{ id: string }>>('GET', '/allocation-rounds', staffToken)).body.items.length;
      await page.click('#allocate');
      const ask = page.locator('dialog[open]');
      await ask.waitFor();
      const asked = await flat(ask);
      expect(asked).toContain('开始助餐服务全区统筹分配');
      expect(asked).toContain(`栖霞区助餐服务：目前 ${waiting} 份申请在排队`);
      expect(asked).toMatch(/个助餐点共空余 \d+ 个餐位/);
      expect(asked).toContain('派单发给各助餐点');
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/staff-round-confirm-${label}.png` });
      await ask.getByRole('button', { name: /取消/ }).click();
      await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
      expect((await call<Page_<{ id: string }>>('GET', '/allocation-rounds', staffToken)).body.items.length).toBe(roundsBefore);
      expect(await flat(page.locator('#allocation-result'))).toBe('');

      // Confirmed: the outcome against the state before it.
      await page.click('#allocate');
      await page.locator('dialog[open]').waitFor();
      await page.locator('dialog[open] button[type="submit"]').click();
      const compare = page.locator('#round-compare');
      await compare.waitFor({ timeout: 30_000 });
      const rounds = (await call<Page_<{ id: string; status: string }>>('GET', '/allocation-rounds', staffToken)).body.items;
      expect(rounds.length).toBe(roundsBefore + 1);
      const round = (await call<{ offered: number; stillWaiting: number }>('GET', `/allocation-rounds/${rounds[0]?.id}`, staffToken)).body;
      const outcome = await flat(compare);
      expect(outcome).toContain(`排队申请 Applications waiting ${waiting} → ${round.stillWaiting}`);
      expect(outcome).toContain(`已派单（发给助餐点） Offers made (to the meal points) ${round.offered}`);
      expect(outcome).toContain(`仍在排队 Still waiting ${round.stillWaiting}`);
      expect(outcome).toMatch(/空余餐位 Places free \d+ → \d+/);
      await page.locator('#report-totals').waitFor();
      // The report fetched again: changed totals highlighted, or said to be unchanged and why.
      await expect.poll(() => page.locator('#report-totals .changed, #report-unchanged').count()).toBeGreaterThan(0);
      expect(await flat(page.locator('#report-totals [data-figure="waiting"]'))).toBe(`${waiting} → ${round.stillWaiting} 排队（本轮前后） Waiting (this round)`);
      expect(await page.locator('#report td.waiting-cell.changed').count()).toBeGreaterThan(0);
      // No raw codes anywhere on the console: district code, policy ids, rule or status codes, coordinates.
      const everything = await flat(page.locator('main'));
      expect(everything).not.toMatch(/320113|[a-z]+-subsidy\/|\b[A-Z]+_[A-Z_]+\b|\d+\.\d+N|HTTP \d{3}/);
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) {
        await closeToasts(page);
        await compare.screenshot({ path: `${SHOTS}/staff-round-result-${label}.png` });
        await page.locator('#report-totals').screenshot({ path: `${SHOTS}/staff-round-totals-${label}.png` });
        await page.locator('#report .table-wrap').screenshot({ path: `${SHOTS}/staff-round-table-${label}.png` });
        await page.screenshot({ path: `${SHOTS}/staff-console-${label}.png`, fullPage: true });
      }

      // 5. The elderly-friendly mode (长辈模式) keeps the console readable and accessible.
      await page.locator('#elderly-toggle').click();
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
      await page.locator('#round-compare').scrollIntoViewIfNeeded();
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/staff-elderly-${label}.png` });
      await context.close();
    });
  }
});
