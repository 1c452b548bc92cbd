import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { mealApplication } from '../e2e/client';
import { eventually } from '../support/dynamo';
import { CONTEXT, flat, localStackWithBrowser, SHOTS, seriousViolations } from './support';

/**
 * Service records and monthly settlement (直补快办) in a real (headless) browser: an 82-year-old's
 * meal application is approved through the API and offered to the nearest meal point, which accepts
 * it in its console and records two meals served today (after a third is refused beside the count).
 * A district official then computes this month's meal settlement in the staff console, opens the
 * meal point's statement (10.00 元, one line for 王*英), approves it and exports the payment file,
 * which downloads as a CSV that Excel opens with its Chinese intact. `npm run test:browser`;
 * Debian's Chromium driven by playwright-core.
 */

const POINT = { id: 'meal-320113-xianlin-01', name: '仙林街道第一社区助餐点' };
const RESIDENT = '王秀英';

const env = localStackWithBrowser('web-settle');

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;


/** Today in China, YYYY-MM-DD. */
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Close the toasts (as a user would) so a screenshot shows what is under them; one may go by itself meanwhile. */
async function closeToasts(page: Page): Promise<void> {
  const close = page.locator('.toast-close');
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) await close.first().click({ timeout: 2000 }).catch(() => undefined);
}

/** Click `refresh` until `target` is on the page (lists refresh on their own only every 15 s). */
async function refreshUntil(page: Page, refresh: string, target: Locator, timeout = 15_000): Promise<void> {
  await expect
    .poll(
      async () => {
        if (await target.count()) return true;
        await page.click(refresh);
        return false;
      },
      { timeout, interval: 1000 },
    )
    .toBe(true);
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

describe('monthly settlement in the browser', () => {
  it('the meal point records meals served; staff compute the month, approve the statement and export the payment file', async () => {
    // 1. Through the API: an 82-year-old at 5 yuan a meal, the subsidy approved, offered to the nearest meal point.
    const family = await env.stack.tokens.sign({ role: 'family', sub: 'browser-settle-family' });
    const official = await env.stack.tokens.sign({ role: 'staff', sub: 'browser-settle-api', district: '320113' });
    const applied = await call('POST', '/applications', family, mealApplication());
    expect(applied.status, JSON.stringify(applied.body)).toBe(202);
    const waiting = await eventually(async () => {
      const a = await call('GET', `/applications/${applied.body.id}`, family);
      return a.body.status === 'AWAITING_APPROVAL' ? a.body : undefined;
    }, 'the subsidy to await approval');
    expect(waiting.subsidy).toMatchObject({ amount: 5 });
    expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, official, {})).status).toBe(200);
    const offered = await eventually(async () => {
      const a = await call('GET', `/applications/${applied.body.id}`, family);
      return a.body.status === 'OFFERED' ? a.body : undefined;
    }, 'the offer');
    expect(offered.assignment.providerId).toBe(POINT.id);

    // 2. The meal point accepts the offer in its console.
    // Reduced motion: confirmations go at once rather than fade, so axe never meets one half-faded.
    const point = await (await env.browser.newContext({ ...CONTEXT, reducedMotion: 'reduce' })).newPage();
    await point.goto(`${env.stack.url}/provider.html?providerId=${POINT.id}&sub=browser-settle-point`);
    const offer = point.locator('#offers-list li', { hasText: RESIDENT });
    await refreshUntil(point, '#offers-refresh', offer);
    await offer.getByRole('button', { name: /接单/ }).click();
    await point.locator('.toast', { hasText: '已接单' }).getByRole('button', { name: /关闭/ }).click();

    // 3. It records today's meals: the day is today in China (no later), at most 2 meals a day.
    const accepted = point.locator('#all-list li', { hasText: RESIDENT }).filter({ hasText: '已接单' });
    const section = accepted.locator('section.daily');
    const form = section.locator('form.daily-form');
    await form.waitFor();
    expect(await flat(section.locator('h3'))).toBe('登记用餐 Record meals served');
    const date = form.locator('input[name="date"]');
    expect(await date.inputValue()).toBe(chinaToday());
    expect(await date.getAttribute('max')).toBe(chinaToday());
    expect(await form.locator('input[name="count"]').getAttribute('max')).toBe('2');
    expect(await flat(form)).toContain('每人每天最多 2 餐');
    expect(await flat(form.locator('.daily-date .hint'))).toContain(`今天 ${chinaToday()}`);

    // Three meals: refused by the policy, the reason beside the count and nothing beside the date.
    await form.locator('input[name="count"]').fill('3');
    await form.getByRole('button', { name: /登记/ }).click();
    const countError = form.locator('.daily-count .field-error');
    await countError.waitFor();
    expect(await flat(countError)).toContain('每人每天最多 2 餐');
    expect(await form.locator('input[name="count"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.daily-count .hint').isHidden()).toBe(true);
    expect(await form.locator('.daily-date .field-error').count()).toBe(0);
    expect(await seriousViolations(point)).toEqual([]);
    if (SHOTS) await accepted.screenshot({ path: `${SHOTS}/settle-meals-refused.png` });

    // Two meals: recorded at 5.00 元 a meal, 10.00 元.
    await form.locator('input[name="count"]').fill('2');
    await form.getByRole('button', { name: /登记/ }).click();
    const row = section.locator('.daily-table tbody tr');
    await row.waitFor();
    const recorded = await flat(row);
    expect(recorded).toContain(chinaToday());
    expect(recorded).toContain('2 餐');
    expect(recorded).toContain('5.00 元/餐');
    expect(recorded).toContain('10.00 元');
    expect(await form.locator('.field-error').count()).toBe(0);
    await point.locator('.toast', { hasText: '已登记' }).waitFor();
    if (SHOTS) {
      await closeToasts(point);
      await accepted.screenshot({ path: `${SHOTS}/settle-meals-recorded.png` });
      await point.screenshot({ path: `${SHOTS}/settle-provider.png`, fullPage: true });
    }

    // 4. A district official computes this month's meal settlement, confirming that it closes the month.
    const staff = await (await env.browser.newContext(CONTEXT)).newPage();
    await staff.goto(`${env.stack.url}/staff.html?sub=browser-settle-staff`);
    const settle = staff.locator('#settlement');
    await expect.poll(() => staff.locator('#settle-type option').count()).toBeGreaterThan(0);
    // Every programme can be settled, not only those with rounds.
    expect(await staff.locator('#settle-type option').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('适老化改造')]));
    await staff.selectOption('#settle-type', { label: '助餐服务 Meal points' });
    expect(await staff.locator('#settle-month').inputValue()).toBe(chinaToday().slice(0, 7));
    await expect.poll(() => flat(staff.locator('#settlements-status'))).toContain('该月还没有结算单');
    await staff.click('#settle-compute');
    const ask = staff.locator('dialog[open]');
    expect(await flat(ask)).toContain('本月即关账');
    await ask.locator('button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '已计算' }).waitFor();
    expect(await flat(staff.locator('#settlement-result'))).toContain('1 份结算单，合计 10.00 元');

    // The month's statements: the meal point's, 1 record, 10.00 元, awaiting approval.
    const item = settle.locator('#settlements-list li', { hasText: POINT.name });
    await item.waitFor();
    const itemText = await flat(item);
    expect(itemText).toContain('待审批 Computed');
    expect(itemText).toContain('10.00 元');
    expect(itemText).toContain('1 条');

    // 5. The statement: one line for the resident, masked, 2 meals at 5.00 元, 10.00 元 in all.
    await item.getByRole('button', { name: /查看明细/ }).click();
    const card = staff.locator('#settlement-card');
    await card.waitFor();
    const line = card.locator('tbody tr');
    expect(await line.count()).toBe(1);
    const lineText = await flat(line);
    expect(lineText).toContain('王*英');
    expect(lineText).not.toContain(RESIDENT);
    expect(lineText).toContain('2 餐');
    expect(lineText).toContain('5.00 元/餐');
    // The policy named in words, its version in small print; never its raw id.
    expect(lineText).toContain('《老年助餐服务补贴政策》');
    expect(lineText).toContain('2026.1 版 · version 2026.1');
    expect(lineText).not.toContain('meal-subsidy/');
    expect(lineText).toContain('10.00 元');
    expect(await flat(card.locator('tfoot'))).toContain('合计 Total 10.00 元');
    expect(await flat(card.locator('.settlement-total'))).toContain('10.00 元');
    expect(await card.locator('.settlement-export').count()).toBe(0);
    expect(await seriousViolations(staff)).toEqual([]);
    if (SHOTS) {
      await closeToasts(staff);
      await card.screenshot({ path: `${SHOTS}/settle-statement.png` });
      await settle.screenshot({ path: `${SHOTS}/settle-staff-section.png` });
    }

    // 6. Approved (after confirming), it offers the payment file.
    await card.getByRole('button', { name: /审批/ }).click();
    const confirm = staff.locator('dialog[open]');
    expect(await flat(confirm)).toContain('10.00 元');
    await confirm.locator('button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '已审批结算单' }).waitFor();
    await expect.poll(() => flat(card.locator('h3'))).toContain('已审批 Approved');
    await expect.poll(() => flat(item)).toContain('已审批 Approved');
    const exportButton = card.getByRole('button', { name: /导出支付文件/ });
    expect(await flat(exportButton)).toBe('导出支付文件 Export payment file (CSV)');

    // 7. The download: UTF-8 with a byte-order mark, the Chinese header, a total row of 10.00.
    const [download] = await Promise.all([staff.waitForEvent('download'), exportButton.click()]);
    expect(download.suggestedFilename()).toBe(`settlement-${chinaToday().slice(0, 7)}-${POINT.id}.csv`);
    const bytes = new Uint8Array(await readFile(await download.path()));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = new TextDecoder('utf-8').decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(rows[0]).toContain('服务对象 Resident');
    expect(rows[0]).toContain('金额（元）Amount (yuan)');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('王*英');
    expect(rows[1]).not.toContain(RESIDENT);
    expect(rows.at(-1)).toMatch(/合计 Total,.*,10\.00$/);
    await staff.locator('.toast', { hasText: '已导出支付文件' }).waitFor();
    if (SHOTS) {
      await closeToasts(staff);
      await card.screenshot({ path: `${SHOTS}/settle-statement-approved.png` });
      await staff.screenshot({ path: `${SHOTS}/settle-staff.png`, fullPage: true });
    }
  }, 120_000);
});
