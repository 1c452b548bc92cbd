import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/dynamo';
import { localStackWithBrowser, SHOTS } from './support';

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

    await expect.poll(() => page.locator('#detail').textContent(), { timeout: 15_000 }).toMatch(/仙林街道第.社区助餐点/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/family-offered.png`, fullPage: true });
    await eventually(async () => ((await env.stack.store.getApplication(id))?.status === 'OFFERED' ? true : undefined), 'the offer');
  });

  it('shows the field error beside the ID number when its checksum is wrong', async () => {
    const page = await env.browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${env.stack.url}/?sub=browser-${randomUUID()}`);

    await page.locator('#apply-form[data-ready]').waitFor();
    await page.fill('#subject-id', '320113194403150425');
    await page.click('#submit');

    await expect.poll(() => page.locator('body').textContent(), { timeout: 10_000 }).toMatch(/身份证号码校验位错误/);
    expect(await page.locator('#subject-id').getAttribute('aria-invalid')).toBe('true');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/family-bad-id.png`, fullPage: true });
  });
});
