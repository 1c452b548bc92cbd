import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations, signIn, text } from './support';

/**
 * A family's whole meal flow in a real (headless) browser, at a phone's and a desktop's size: sign in
 * on the sign-in page, fill in the example, place the home on the street map, apply, staff approve
 * the subsidy, the meal point accepts, and only then the family sees the meal point's address,
 * opening hours and phone. Nothing on the way shows a code, a policy id or a coordinate.
 */

const env = localStackWithBrowser('meal-flow');

/** Rule codes, policy ids, district codes and coordinates a resident must never read. */
const RAW_CODES = /AGE_OK|AGE_BAND|meal-subsidy\/|320113|\d+\.\d{3,}/;

/** A valid resident ID number (GB 11643 check character) from its first 17 digits. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
  return first17 + '10X98765432'[sum % 11];
}

interface Provider {
  id: string;
  name: string;
  address?: string;
  openingHours?: string;
  phone?: string;
}

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The application's text, asking the page to fetch it now (states that wait for days are polled slowly). */
const fresh = (page: Page) => async () => {
  await page.click('#detail-refresh');
  return flat(page.locator('#detail'));
};

const RUNS: Array<{ viewport: string; options: BrowserContextOptions; family: string; subjectId: string }> = [
  { viewport: 'phone', options: PHONE, family: '王芳', subjectId: '320113194403150426' },
  // Another family, another older person (one open meal application per person).
  { viewport: 'desktop', options: DESKTOP, family: '李建国', subjectId: idNumber('32011319411108001') },
];

describe('a family applies for a meal place and reaches the meal point once it accepts', () => {
  for (const run of RUNS) {
    it(`signs in, applies with the map and sees the contact after acceptance (${run.viewport})`, async () => {
      const context = await env.browser.newContext(run.options);
      const page = await context.newPage();
      const shot = async (name: string) => {
        if (SHOTS) await page.screenshot({ path: `${SHOTS}/meal-${run.viewport}-${name}.png`, fullPage: true });
      };

      // Sign in as the family on the sign-in page.
      await page.goto(`${env.stack.url}/index.html`);
      await page.waitForURL(/signin\.html/);
      await signIn(page, env.stack.url, { role: 'family', name: run.family });
      await page.locator('#apply-form[data-ready]').waitFor();
      expect(await flat(page.locator('#session-name'))).toContain(run.family);

      // The form opens empty: nobody else's data.
      expect(await page.inputValue('#applicant-name')).toBe('');
      expect(await page.inputValue('#subject-id')).toBe('');
      expect(await page.inputValue('#lat')).toBe('');
      await shot('empty');
      expect(await seriousViolations(page)).toEqual([]);

      // The example, then the street and a pin placed by clicking (tapping on the phone) the map.
      await page.click('#fill-example');
      expect(await page.inputValue('#applicant-name')).toBe('王芳');
      await page.fill('#subject-id', run.subjectId);
      await page.selectOption('#street-select', '仙林街道');
      const centreLat = await page.inputValue('#lat');
      expect(centreLat).not.toBe('');
      await expect.poll(text(page, '#place-words')).toContain('仙林街道');
      await page.locator('#street-map').scrollIntoViewIfNeeded();
      const centre = await page.locator('#street-map circle.street-centre.chosen').boundingBox();
      const map = await page.locator('#street-map svg').boundingBox();
      if (!centre || !map) throw new Error('the street map is not drawn');
      // About 300 m north-east of the street's centre.
      const step = map.width / 100;
      const x = centre.x + centre.width / 2 + step;
      const y = centre.y + centre.height / 2 - step;
      if (run.options.hasTouch) await page.touchscreen.tap(x, y);
      else await page.mouse.click(x, y);
      await expect.poll(() => page.inputValue('#lat')).not.toBe(centreLat);
      await expect.poll(text(page, '#place-words')).toMatch(/仙林街道，距街道中心约 \d+ 米/);
      // The keyboard moves the pin too (100 m a press).
      const beforeKey = await page.inputValue('#lng');
      await page.locator('#street-map').focus();
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => page.inputValue('#lng')).not.toBe(beforeKey);
      expect(await page.locator('#street-map').isVisible()).toBe(true);
      // Coordinates stay hidden: the form shows the place in words only.
      expect(await flat(page.locator('#apply-form'))).not.toMatch(/\d+\.\d{3,}/);
      await shot('filled');
      expect(await seriousViolations(page)).toEqual([]);

      await page.click('#submit');
      await page.locator('#detail-view').waitFor({ state: 'visible' });
      await expect.poll(text(page, '#detail'), { timeout: 15_000 }).toMatch(/待审批/);
      const id = new URL(page.url()).hash.replace('#app=', '');
      await shot('awaiting');
      expect(await seriousViolations(page)).toEqual([]);

      // Staff approve the subsidy.
      const staff = await env.stack.tokens.sign({ role: 'staff', sub: `meal-flow-staff-${run.viewport}`, district: '320113' });
      const before = await call<{ subsidy: { id: string } }>('GET', `/applications/${id}`, staff);
      expect((await call('POST', `/subsidies/${before.body.subsidy.id}/approve`, staff, {})).status).toBe(200);

      // A meal point is offered: its name and distance, no contact yet.
      await expect.poll(fresh(page), { timeout: 20_000 }).toMatch(/社区助餐点[\s\S]*距家约/);
      const offered = await call<{ status: string; assignment: { id: string; providerId: string; status: string } }>('GET', `/applications/${id}`, staff);
      expect(offered.body.assignment.status).toBe('OFFERED');
      expect(await page.locator('#provider-contact').count()).toBe(0);
      expect(await page.locator('#detail a[href^="tel:"]').count()).toBe(0);
      // After approval the eligibility card says so (not "awaits approval").
      const eligibility = await flat(page.locator('#detail'));
      expect(eligibility).toContain('补贴已获区民政部门批准');
      expect(eligibility).not.toContain('补贴需经区民政部门审批');
      await shot('offered');
      expect(await seriousViolations(page)).toEqual([]);

      // The meal point accepts.
      const providerId = offered.body.assignment.providerId;
      const providerToken = await env.stack.tokens.sign({ role: 'provider', sub: `meal-flow-point-${run.viewport}`, providerId });
      expect((await call('POST', `/assignments/${offered.body.assignment.id}/accept`, providerToken, {})).status).toBe(200);
      const providers = await call<{ items: Provider[] }>('GET', '/providers', staff);
      const provider = providers.body.items.find((p) => p.id === providerId);
      if (!provider?.address || !provider.openingHours || !provider.phone) throw new Error(`the meal point ${providerId} has no contact in the demo data`);

      // Now the family can reach the meal point: address, opening hours and a phone link.
      await expect.poll(fresh(page), { timeout: 20_000 }).toContain(provider.address);
      const contact = await flat(page.locator('#provider-contact'));
      expect(contact).toContain(provider.openingHours);
      expect(contact).toContain(provider.phone);
      const tel = page.locator('#provider-contact a[href^="tel:"]');
      expect(await tel.count()).toBe(1);
      expect(await tel.getAttribute('href')).toBe(`tel:${provider.phone.replace(/[^\d+]/g, '')}`);
      const box = await tel.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);

      // Plain language: no rule codes, policy ids, district codes or coordinates on the result page.
      const result = await flat(page.locator('main'));
      expect(result).not.toMatch(RAW_CODES);
      expect(result).toMatch(/审核依据.*《老年助餐服务补贴政策》/);
      expect(result).toContain('栖霞区');
      await shot('accepted');
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
