import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { describe, expect, it } from 'vitest';
import { acceptedHoursAgo } from '../support/dynamo';
import { CONTEXT, flat, localStackWithBrowser, SHOTS, seriousViolations, text } from './support';

/**
 * Home visits (居家上门服务) across the three pages in a real (headless) browser: a family applies
 * for a parent, a district official approves the subsidy in the staff console, the home-visit
 * organisation accepts in its console and records a visit at the resident's address, and the
 * family then sees the visit and the hours used. Then a grid worker files for a resident.
 * `npm run test:browser`; Debian's Chromium driven by playwright-core.
 */

// The resident of the example form: 仙林街道, the street's centre.
const HOME = { latitude: 32.105, longitude: 118.93 };

const env = localStackWithBrowser('web-hv');

/** `YYYY-MM-DDTHH:mm` in China time, as an `<input type=datetime-local>` in Asia/Shanghai takes it. */
function chinaLocal(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

const idNumber = (first17: string) => first17 + checkCharFor(first17);


describe('home visits in the browser', () => {
  it('a family applies, staff approve, the organisation records a visit, the family sees the hours used', async () => {
    // 1. The family: the programme chooser and the needs come from GET /programmes.
    const family = await (await env.browser.newContext(CONTEXT)).newPage();
    await family.goto(`${env.stack.url}/?sub=browser-hv-${randomUUID()}`);
    await family.locator('#apply-form[data-ready]').waitFor();
    const homeVisit = family.locator('#programme-choices label', { hasText: '居家上门服务' });
    expect(await flat(homeVisit)).toMatch(/^居家上门服务 Home visits/);
    const retrofit = family.locator('#programme-choices label', { hasText: '适老化改造' });
    expect(await retrofit.locator('input').isDisabled()).toBe(false);

    await homeVisit.locator('input').check();
    // The form opens empty: the example person fills it in.
    await family.click('#fill-example');
    await family.getByLabel('助洁 Cleaning').check();
    await family.selectOption('select[name="needs.careLevel"]', { label: '2 级 · 能力中度受损（中度失能） Level 2 · Moderately impaired' });
    expect(await family.locator('#street-select').inputValue()).toBe('仙林街道');
    await family.click('#submit');

    // Care level 2, aged 82: 12 + 2 hours a month, the subsidy per hour awaiting approval.
    await family.locator('#detail-view').waitFor({ state: 'visible' });
    await expect.poll(text(family, '#detail'), { timeout: 15_000 }).toMatch(/待审批/);
    const detail = await flat(family.locator('#detail'));
    expect(detail).toContain('每月 14 小时 · 本月已用 0 小时');
    expect(detail).toContain('元/小时');
    expect(detail).toMatch(/助浴[\s\S]*助洁/);

    // 2. A district official approves the subsidy in the staff console.
    const staff = await (await env.browser.newContext(CONTEXT)).newPage();
    await staff.goto(`${env.stack.url}/staff.html?sub=browser-official`);
    const pending = staff.locator('#subsidies-list li', { hasText: '王秀英' });
    await pending.waitFor();
    expect(await flat(pending)).toContain('元/小时');
    // Staff check the subsidy against the applicant's phone.
    await pending.locator('a[href^="tel:"]').waitFor();
    expect(await seriousViolations(staff)).toEqual([]);
    await pending.getByRole('button', { name: /批准/ }).click();
    await staff.locator('dialog[open] button[type="submit"]').click();
    await staff.locator('.toast', { hasText: '已批准' }).waitFor();
    // The staff console offers every programme with allocation rounds.
    expect(await staff.locator('#report-type option').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('居家上门服务')]));

    // 3. The home-visit organisation accepts the offer; its phone is at the resident's door.
    // Reduced motion: confirmations go at once rather than fade, so axe never meets one half-faded.
    const orgContext = await env.browser.newContext({ ...CONTEXT, reducedMotion: 'reduce', geolocation: { ...HOME, accuracy: 10 }, permissions: ['geolocation'] });
    const org = await orgContext.newPage();
    await org.goto(`${env.stack.url}/provider.html?providerId=${env.stack.demo.homeVisitProviderId}&sub=browser-org`);
    const offer = org.locator('#offers-list li', { hasText: '王秀英' });
    await expect
      .poll(
        async () => {
          if (await offer.count()) return true;
          await org.click('#offers-refresh');
          return false;
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toBe(true);
    const offerText = await flat(offer);
    expect(offerText).toContain('助洁');
    expect(offerText).toContain('14 小时/月');
    expect(offerText).toContain('2 级');
    await offer.getByRole('button', { name: /接单/ }).click();
    // The confirmation toast would sit over the form for 8 s: close it, as a user would.
    await org.locator('.toast', { hasText: '已接单' }).getByRole('button', { name: /关闭/ }).click();

    const accepted = org.locator('#all-list li', { hasText: '王秀英' }).filter({ hasText: '已接单' });
    await accepted.locator('form.visit-form').waitFor();
    // Accepted, the organisation can reach the family: a phone link and the address.
    expect(await accepted.locator('.contact a[href^="tel:"]').count()).toBeGreaterThan(0);
    expect(await flat(accepted.locator('.contact'))).toContain('仙林街道');
    // Visits count from the acceptance: move it back to this morning, as a test cannot wait hours.
    const [taken] = (await env.stack.store.listAssignmentsByProvider(env.stack.demo.homeVisitProviderId, { status: 'ACCEPTED' })).items;
    await acceptedHoursAgo(env.stack.store, taken!.id, 3);
    const form = accepted.locator('form.visit-form');
    // An hour's visit earlier today (2 h to 1 h ago): in this month unless the test runs in the
    // first two hours of a month, China time.
    const now = Date.now();
    await form.locator('input[name="startedAt"]').fill(chinaLocal(new Date(now - 2 * 3_600_000)));
    await form.locator('input[name="endedAt"]').fill(chinaLocal(new Date(now - 3_600_000)));
    await form.getByLabel('助洁 Cleaning').check();
    // Only the services the resident asked for are offered.
    expect(await form.locator('input[name="services"]').count()).toBe(2);

    // Typed in far from the address (the coordinates are tucked under "type them if location fails"):
    // refused, with the reason in Chinese and English.
    await form.locator('details.manual-location summary').click();
    await form.locator('input[name="lat"]').fill('32.2');
    await form.locator('input[name="lng"]').fill('118.93');
    await form.getByRole('button', { name: /登记/ }).click();
    await expect.poll(() => flat(form), { timeout: 10_000 }).toMatch(/超出300米范围[\s\S]*within 300 m/);
    if (SHOTS) await org.screenshot({ path: `${SHOTS}/home-visit-refused.png`, fullPage: true });

    // From the browser's location, at the door: recorded.
    await form.getByRole('button', { name: /使用当前位置/ }).click();
    await expect.poll(() => form.locator('input[name="lat"]').inputValue()).toBe('32.105000');
    await form.getByRole('button', { name: /登记/ }).click();
    await org.locator('.toast', { hasText: '已登记上门服务 1 小时' }).waitFor();
    await expect.poll(() => flat(accepted.locator('.visit-list')), { timeout: 10_000 }).toContain('60 分钟');
    expect(await seriousViolations(org)).toEqual([]);
    if (SHOTS) await org.screenshot({ path: `${SHOTS}/home-visit-recorded.png`, fullPage: true });

    // 4. The family sees the visit and the hours used this month.
    // An active service is polled slowly: ask the page to look now.
    await expect
      .poll(
        async () => {
          await family.click('#detail-refresh');
          return flat(family.locator('#detail'));
        },
        { timeout: 15_000 },
      )
      .toContain('本月已用 1 小时');
    const after = await flat(family.locator('#detail'));
    expect(after).toContain('每月 14 小时 · 本月已用 1 小时');
    expect(after).toContain('14 hours a month · 1 used this month');
    expect(after).toContain('栖霞区颐康居家养老服务中心');
    expect(await family.locator('#visit-list li').count()).toBe(1);
    expect(await flat(family.locator('#visit-list'))).toContain('助洁');
    if (SHOTS) await family.screenshot({ path: `${SHOTS}/home-visit-family.png`, fullPage: true });
  });

  it('a grid worker files for a resident of their street and finds it in their list', async () => {
    const grid = await (await env.browser.newContext(CONTEXT)).newPage();
    await grid.goto(`${env.stack.url}/?role=grid&sub=browser-grid-${randomUUID()}`);
    await grid.locator('#apply-form[data-ready]').waitFor();
    expect(await flat(grid.locator('#form-title'))).toContain('网格员代办');
    expect(await grid.locator('#street-select').inputValue()).toBe('仙林街道');
    expect(await grid.locator('#street-select').isDisabled()).toBe(true);

    await grid.click('#fill-example');
    await grid.fill('#subject-name', '李建国');
    await grid.fill('#subject-id', idNumber('32011319400612001'));
    await grid.click('#submit');

    await grid.locator('#detail-view').waitFor({ state: 'visible' });
    await expect.poll(text(grid, '#detail'), { timeout: 15_000 }).toMatch(/李建国/);
    expect(await flat(grid.locator('#detail'))).toContain('代办网格员');
    await expect.poll(text(grid, '#my-apps'), { timeout: 10_000 }).toMatch(/我代办的申请[\s\S]*李建国/);
  });
});
