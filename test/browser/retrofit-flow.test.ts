import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CONTEXT, flat, localStackWithBrowser, SHOTS, seriousViolations, text } from './support';

/**
 * Age-friendly retrofits (适老化改造) across the three pages in a real (headless) browser: a family
 * applies for an 82-year-old of care level 2 in 仙林街道, a district official approves the subsidy,
 * the contractor covering the street accepts the job and plans it from the catalogue (a row over the
 * catalogue's quantity is refused beside the row; the plan's catalogue subsidy then passes the
 * 3,000-yuan household cap), the family confirms the plan, the contractor reports the work done,
 * staff fail it once with a note and then pass it from the inspection queue, and the family sees the
 * job passed and the subsidy fixed at the cap. `npm run test:browser`; Debian's Chromium driven by
 * playwright-core.
 */

const CONTRACTOR = { id: 'retrofit-320113-01', name: '南京安居适老化改造工程有限公司' };
const RESIDENT = '王秀英';

const env = localStackWithBrowser('web-rf');

/** A family page's text, asking it to fetch the application now (states that wait for days are polled slowly). */
const fresh = (page: Page, selector: string) => async () => {
  await page.click('#detail-refresh');
  return flat(page.locator(selector));
};


/** Close the toasts (as a user would) so a screenshot shows what is under them; one may go by itself meanwhile. */
async function closeToasts(page: Page): Promise<void> {
  for (const close of await page.locator('.toast-close').all()) await close.click({ timeout: 2000 }).catch(() => undefined);
}

/** Click `refresh` until `target` is on the page (lists refresh on their own only every 15–20 s). */
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

/** Fill plan row `i` (0-based) of `form`: the item by its catalogue code, the quantity, the unit price. */
async function fillRow(form: Locator, i: number, code: string, quantity: string, unitPrice: string): Promise<void> {
  const row = form.locator('.plan-row').nth(i);
  await row.locator('select[name="code"]').selectOption(code);
  await row.locator('input[name="quantity"]').fill(quantity);
  await row.locator('input[name="unitPrice"]').fill(unitPrice);
}

interface Application {
  status: string;
  subsidy: { status: string; amount: number } | null;
  job?: { step: string; inspections: { passed: boolean; note?: string }[] };
}

describe('age-friendly retrofits in the browser', () => {
  it('a family applies, the contractor plans over the cap, the family confirms, staff fail then pass the work', async () => {
    // 1. The family applies on the family page: an 82-year-old (the example) of care level 2.
    const familySub = `browser-rf-${randomUUID()}`;
    const family = await (await env.browser.newContext(CONTEXT)).newPage();
    await family.goto(`${env.stack.url}/?sub=${familySub}`);
    await family.locator('#apply-form[data-ready]').waitFor();
    await family.locator('#programme-choices label', { hasText: '适老化改造' }).locator('input').check();
    // The form opens empty: the example person fills it in.
    await family.click('#fill-example');
    await family.selectOption('select[name="needs.careLevel"]', { label: '2 级 Level 2' });
    await family.locator('#needs-fields label', { hasText: '扶手（卫生间、床边）' }).locator('input').check();
    await family.locator('#needs-fields label', { hasText: '淋浴椅' }).locator('input').check();
    expect(await family.locator('#street-select').inputValue()).toBe('仙林街道');
    await family.click('#submit');

    await family.locator('#detail-view').waitFor({ state: 'visible' });
    await expect.poll(text(family, '#detail'), { timeout: 15_000 }).toMatch(/待审批/);
    expect(await flat(family.locator('#detail'))).toContain('元/户（上限）');
    const applicationId = new URL(family.url()).hash.replace('#app=', '');

    // 2. A district official approves the subsidy (the household cap) in the staff console.
    const staff = await (await env.browser.newContext(CONTEXT)).newPage();
    await staff.goto(`${env.stack.url}/staff.html?sub=browser-rf-staff`);
    const pending = staff.locator('#subsidies-list li', { hasText: RESIDENT });
    await pending.waitFor();
    expect(await flat(pending)).toContain('¥3000 元/户（上限）');
    await pending.getByRole('button', { name: /批准/ }).click();
    await staff.locator('dialog[open] button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '已批准' }).waitFor();
    // The inspection queue is there, empty for now.
    await expect.poll(text(staff, '#inspections-status')).toContain('目前没有待验收的工程');

    // 3. The contractor covering 仙林街道 accepts the job.
    // Reduced motion: confirmations go at once rather than fade, so axe never meets one half-faded.
    const contractor = await (await env.browser.newContext({ ...CONTEXT, reducedMotion: 'reduce' })).newPage();
    await contractor.goto(`${env.stack.url}/provider.html?providerId=${CONTRACTOR.id}&sub=browser-rf-contractor`);
    const offer = contractor.locator('#offers-list li', { hasText: RESIDENT });
    await refreshUntil(contractor, '#offers-refresh', offer);
    expect(await flat(offer)).toContain('2 级');
    await offer.getByRole('button', { name: /接单/ }).click();
    await contractor.locator('.toast', { hasText: '已接单' }).getByRole('button', { name: /关闭/ }).click();

    // The family reads that the contractor will visit and plan the work.
    await expect.poll(fresh(family, '#job-card'), { timeout: 15_000 }).toContain('待制定方案');
    expect(await flat(family.locator('#detail .next-step').first())).toContain(`${CONTRACTOR.name}将上门评估`);

    // 4. It plans the work: the rows start from the family's wishes.
    const job = contractor.locator('#all-list li', { hasText: RESIDENT }).filter({ hasText: '已接单' });
    const form = job.locator('form.plan-form');
    await form.waitFor();
    expect(await flat(job.locator('.job-step'))).toBe('待制定方案 To be planned');
    expect(await form.locator('.plan-row').count()).toBe(2);
    expect(await form.locator('.plan-row').nth(0).locator('select').inputValue()).toBe('grab-bar');
    expect(await flat(form.locator('.plan-row').nth(0))).toContain('每件补贴 150.00 元');

    // Two shower chairs where the catalogue allows one: refused beside that row, nothing else.
    await fillRow(form, 0, 'grab-bar', '8', '168.50');
    await fillRow(form, 1, 'shower-chair', '2', '180');
    await form.getByRole('button', { name: /提交方案/ }).click();
    const rowError = form.locator('.plan-row').nth(1).locator('.plan-quantity .field-error');
    await rowError.waitFor();
    expect(await flat(rowError)).toContain('淋浴椅每户最多 1 件');
    expect(await form.locator('.plan-row').nth(1).locator('input[name="quantity"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.plan-row').nth(0).locator('.field-error').count()).toBe(0);
    expect(await flat(form.locator('.plan-errors'))).toContain('方案未提交');
    expect(await seriousViolations(contractor)).toEqual([]);
    if (SHOTS) await job.screenshot({ path: `${SHOTS}/retrofit-contractor-plan-error.png` });

    // The shower chair goes; flooring and alarms come in: catalogue subsidy 1,200 + 1,800 + 760.50.
    await form.getByRole('button', { name: '删除第2项 Remove item 2' }).click();
    await form.getByRole('button', { name: /添加项目/ }).click();
    await fillRow(form, 1, 'anti-slip-floor', '30', '75');
    await form.getByRole('button', { name: /添加项目/ }).click();
    await fillRow(form, 2, 'emergency-button', '2', '380.25');
    expect(await flat(form.locator('.plan-preview'))).toContain('已填项目合计 4358.50 元');
    await form.getByRole('button', { name: /提交方案/ }).click();
    await contractor.locator('.toast', { hasText: '已提交改造方案' }).waitFor();

    const planned = contractor.locator('#all-list li', { hasText: RESIDENT }).filter({ has: contractor.locator('.plan-table') });
    await planned.waitFor();
    const plannedText = await flat(planned);
    expect(plannedText).toContain('待家庭确认 Awaiting the family');
    expect(plannedText).toContain('工程总价 4358.50 元');
    expect(plannedText).toContain('补贴 3000.00 元（每户上限 3000.00 元）');
    expect(plannedText).toContain('已达每户补贴上限');
    expect(plannedText).toContain('家庭自付 1358.50 元');
    expect(plannedText).toContain('8 件 × 168.50 元');
    expect(await planned.locator('.plan-table tbody tr').count()).toBe(3);
    if (SHOTS) {
      await closeToasts(contractor);
      await contractor.screenshot({ path: `${SHOTS}/retrofit-contractor-plan.png`, fullPage: true });
    }

    // 5. The family reads the plan and confirms it.
    await expect.poll(fresh(family, '#detail'), { timeout: 15_000 }).toContain('待您确认');
    const card = family.locator('#job-card');
    const cardText = await flat(card);
    expect(cardText).toContain('改造方案 Retrofit plan');
    expect(cardText).toContain('补贴 3000.00 元（每户上限 3000.00 元）');
    expect(cardText).toContain('个人自付 1358.50 元');
    expect(cardText).toContain('防滑地面处理');
    expect(cardText).toContain('30 平方米 × 75.00 元');
    if (SHOTS) {
      await closeToasts(family);
      await family.screenshot({ path: `${SHOTS}/retrofit-family-plan.png`, fullPage: true });
      await card.screenshot({ path: `${SHOTS}/retrofit-family-plan-card.png` });
    }
    await family.click('#plan-confirm');
    const confirmDialog = family.locator('dialog[open]');
    expect(await flat(confirmDialog)).toContain('个人自付 1358.50 元');
    await confirmDialog.locator('button[type="submit"]').click();
    await family.locator('.toast', { hasText: '已确认改造方案' }).waitFor();
    await expect.poll(fresh(family, '#job-card .status-line'), { timeout: 15_000 }).toContain('施工中');
    expect(await family.locator('#plan-confirm').count()).toBe(0);

    // 6. The contractor builds and reports the work done, with a note.
    const reportDone = async (note: string) => {
      const button = job.getByRole('button', { name: /完工报验/ });
      await refreshUntil(contractor, '#all-refresh', button);
      await button.click();
      const ask = contractor.locator('dialog[open]');
      if (note) await ask.locator('textarea').fill(note);
      await ask.locator('button[type="submit"]').click();
      await contractor.locator('.toast', { hasText: '已报验' }).getByRole('button', { name: /关闭/ }).click();
      await expect.poll(() => flat(job.locator('.job-step')), { timeout: 10_000 }).toBe('待验收 Awaiting inspection');
    };
    await reportDone('卫生间扶手已安装，地面已做防滑');

    // 7. Staff find it in the inspection queue and fail it, saying why.
    const queued = staff.locator('#inspections-list li', { hasText: RESIDENT });
    await refreshUntil(staff, '#inspections-refresh', queued);
    const queuedText = await flat(queued);
    expect(queuedText).toContain(CONTRACTOR.name);
    expect(queuedText).toContain('卫生间扶手已安装，地面已做防滑');
    expect(queuedText).toContain('工程总价 4358.50 元');
    expect(queuedText).toContain('补贴 3000.00 元（每户上限 3000.00 元）');
    expect(await seriousViolations(staff)).toEqual([]);
    if (SHOTS) {
      await closeToasts(staff);
      await staff.screenshot({ path: `${SHOTS}/retrofit-staff-queue.png`, fullPage: true });
      await staff.locator('#inspections').screenshot({ path: `${SHOTS}/retrofit-staff-queue-section.png` });
    }
    await queued.getByRole('button', { name: /不通过/ }).click();
    const failDialog = staff.locator('dialog[open]');
    // A fail needs a note.
    await failDialog.locator('button[type="submit"]').click();
    expect(await flat(failDialog)).toContain('请填写此项');
    await failDialog.locator('textarea').fill('卫生间扶手固定不牢');
    await failDialog.locator('button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '验收不通过' }).getByRole('button', { name: /关闭/ }).click();
    await expect.poll(text(staff, '#inspections-status')).toContain('目前没有待验收的工程');

    // The family and the contractor read the note; the contractor puts it right and reports again.
    await expect.poll(fresh(family, '#job-card'), { timeout: 15_000 }).toContain('卫生间扶手固定不牢');
    expect(await flat(family.locator('#job-card'))).toContain('验收未通过');
    await refreshUntil(contractor, '#all-refresh', job.locator('.job-failed'));
    expect(await flat(job.locator('.job-failed'))).toContain('卫生间扶手固定不牢');
    if (SHOTS) await job.locator('.job').screenshot({ path: `${SHOTS}/retrofit-contractor-failed.png` });
    await reportDone('');

    // 8. Staff pass it this time.
    const again = staff.locator('#inspections-list li', { hasText: RESIDENT });
    await refreshUntil(staff, '#inspections-refresh', again);
    expect(await flat(again)).toMatch(/此前验收[\s\S]*验收未通过[\s\S]*卫生间扶手固定不牢/);
    await again.getByRole('button', { name: '通过 Pass', exact: true }).click();
    const passDialog = staff.locator('dialog[open]');
    expect(await flat(passDialog)).toContain('补贴 3000.00 元');
    await passDialog.locator('button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '验收通过' }).waitFor();

    // 9. The family sees the work passed, the application complete and the subsidy at the cap.
    await expect.poll(fresh(family, '#job-card .status-line'), { timeout: 15_000 }).toContain('验收通过');
    const done = await flat(family.locator('#detail'));
    expect(done).toContain('补贴 3000.00 元直接拨付施工单位');
    expect(done).toContain('¥3000 元/户（上限）');
    expect(done).toMatch(/验收记录[\s\S]*验收未通过[\s\S]*验收通过/);
    const familyToken = await env.stack.tokens.sign({ role: 'family', sub: familySub });
    const res = await fetch(`${env.stack.url}/applications/${applicationId}`, { headers: { authorization: `Bearer ${familyToken}` } });
    const app = (await res.json()) as Application;
    expect(app).toMatchObject({ status: 'COMPLETED', subsidy: { status: 'APPROVED', amount: 3000 }, job: { step: 'PASSED' } });
    expect(app.job?.inspections.map((i) => i.passed)).toEqual([false, true]);
    if (SHOTS) {
      await closeToasts(family);
      await family.screenshot({ path: `${SHOTS}/retrofit-family-passed.png`, fullPage: true });
      await card.screenshot({ path: `${SHOTS}/retrofit-family-passed-card.png` });
    }
  }, 120_000);
});
