import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/dynamo';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations, text } from './support';

/**
 * A family in a real (headless) browser: Debian's Chromium, driven by playwright-core.
 * `npm run test:browser`; CI installs Chromium first (.ci/run).
 */

const env = localStackWithBrowser('web');

describe('the family web form', () => {
  it('applies for a meal place in Chinese and follows it to an offer', async () => {
    const page = await env.browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);
    await page.locator('#apply-form[data-ready]').waitFor();
    expect(await page.locator('#form-title').textContent()).toContain('为家中老人申请');
    // The first open programme is chosen.
    expect(await page.locator('#programme-choices input:checked').getAttribute('value')).toBe('meal');
    // The form opens empty; the example fills it in.
    expect(await page.inputValue('#subject-id')).toBe('');
    await page.click('#fill-example');

    await page.click('#submit');

    // The page follows the application: first it waits for staff to approve the subsidy.
    await page.locator('#detail-view').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#detail').textContent(), { timeout: 15_000 }).toMatch(/待审批/);
    const id = new URL(page.url()).hash.replace('#app=', '');
    const app = await env.stack.store.getApplication(id);
    if (!app?.subsidy) throw new Error('no subsidy recorded');
    const staff = await env.stack.tokens.sign({ role: 'staff', sub: 'official', district: '320113' });
    const approve = await fetch(`${env.stack.url}/subsidies/${app.subsidy.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approve.status).toBe(200);

    // Waiting for approval is polled slowly: ask the page to look now.
    await expect
      .poll(
        async () => {
          await page.click('#detail-refresh');
          return page.locator('#detail').textContent();
        },
        { timeout: 15_000 },
      )
      .toMatch(/仙林街道第.社区助餐点/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/family-offered.png`, fullPage: true });
    await eventually(async () => ((await env.stack.store.getApplication(id))?.status === 'OFFERED' ? true : undefined), 'the offer');
  });

  it('shows the field error beside the ID number when its checksum is wrong', async () => {
    const page = await env.browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);

    await page.locator('#apply-form[data-ready]').waitFor();
    await page.click('#fill-example');
    await page.fill('#subject-id', '320113194403150425');
    await page.click('#submit');

    // Beside the field: what is wrong with the ID number (and what to check).
    await expect.poll(() => flat(page.locator('[data-path="subject.idNumber"] .field-error')), { timeout: 10_000 }).toMatch(/身份证号码/);
    expect(await page.locator('#subject-id').getAttribute('aria-invalid')).toBe('true');
    // The error box says what to do; no codes or HTTP status, and the request id only in the folded details for support.
    const box = page.locator('#form-errors .family-error');
    expect(await flat(box)).toContain('请修改以下内容后再提交');
    expect(await flat(box)).not.toMatch(/VALIDATION_FAILED|HTTP 400/);
    expect(await box.locator('details.support-info').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/family-bad-id.png`, fullPage: true });
  });

  for (const [viewport, options] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`opens empty, fills in the example, shows errors that say what to do, and clears (${viewport})`, async () => {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);
      await page.locator('#apply-form[data-ready]').waitFor();
      expect(await page.inputValue('#applicant-name')).toBe('');
      expect(await seriousViolations(page)).toEqual([]);

      // Sent empty: each field says what is missing, the map asks for the home, no codes shown.
      await page.click('#submit');
      await page.locator('#form-errors .family-error').waitFor();
      expect(await flat(page.locator('[data-path="subject.address.location"] .field-error'))).toContain('请在地图上点出家的位置');
      expect(await flat(page.locator('#form-errors'))).not.toMatch(/VALIDATION_FAILED|HTTP 400|subject\.|applicant\./);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/family-empty-errors-${viewport}.png`, fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);

      await page.click('#fill-example');
      expect(await page.inputValue('#applicant-name')).toBe('王芳');
      expect(await page.inputValue('#street-select')).toBe('仙林街道');
      expect(await page.inputValue('#lat')).not.toBe('');
      expect(await flat(page.locator('#place-words'))).toContain('仙林街道');
      // The example fixed what was missing: the marks are gone.
      expect(await page.locator('[data-path="subject.address.location"] .field-error').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);

      await page.click('#clear-form');
      expect(await page.inputValue('#applicant-name')).toBe('');
      expect(await page.inputValue('#subject-id')).toBe('');
      expect(await page.inputValue('#street-select')).toBe('');
      expect(await page.inputValue('#lat')).toBe('');
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`polls slowly while the subsidy waits for approval, and stops at a final status (${viewport})`, async () => {
      const sub = `browser-${randomUUID()}`;
      const token = await env.stack.tokens.sign({ role: 'family', sub });
      const first17 = viewport === 'phone' ? '32011319430220002' : '32011319430220004';
      const res = await fetch(`${env.stack.url}/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'meal',
          applicant: { name: '王芳', phone: '13912345678' },
          subject: {
            name: '王秀兰',
            idNumber: first17 + checkCharFor(first17),
            address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } },
          },
        }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };

      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      await page.goto(`${env.stack.url}/?sub=${sub}#app=${id}`);
      await expect.poll(text(page, '#detail'), { timeout: 15_000 }).toMatch(/待审批/);
      // A step that may take days: checked about every 30 s, and the page says so.
      await expect.poll(text(page, '#poll-status'), { timeout: 15_000 }).toContain('约每 30 秒');
      expect(await seriousViolations(page)).toEqual([]);

      await page.click('#cancel-app');
      await page.locator('dialog[open] button[type="submit"]').click();
      await expect.poll(text(page, '#poll-status'), { timeout: 15_000 }).toContain('已是最终状态');
      expect(await flat(page.locator('#detail .card-status'))).toContain('已撤销');
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    });

    it(`places the home from the browser location, in the district only, and says where in words (${viewport})`, async () => {
      // About 200 m north of the centre of 仙林街道.
      const context = await env.browser.newContext({ ...options, geolocation: { latitude: 32.1068, longitude: 118.93, accuracy: 20 }, permissions: ['geolocation'] });
      const page = await context.newPage();
      await page.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);
      await page.locator('#apply-form[data-ready]').waitFor();
      await page.click('#locate');
      await expect.poll(text(page, '#place-words')).toBe('仙林街道，距街道中心约 200 米 Xianlin, about 200 m from its centre');
      expect(await page.inputValue('#street-select')).toBe('仙林街道');
      expect(await page.inputValue('#lat')).toBe('32.1068');
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();

      // Far from the district (Shanghai): not used, and the page says what to do instead.
      const away = await env.browser.newContext({ ...options, geolocation: { latitude: 31.23, longitude: 121.47, accuracy: 20 }, permissions: ['geolocation'] });
      const elsewhere = await away.newPage();
      await elsewhere.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);
      await elsewhere.locator('#apply-form[data-ready]').waitFor();
      await elsewhere.click('#locate');
      await expect.poll(text(elsewhere, '#locate-status')).toContain('请在地图上点出家的位置');
      expect(await elsewhere.inputValue('#lat')).toBe('');
      expect(await seriousViolations(elsewhere)).toEqual([]);
      await away.close();
    });
  }
});
