import { checkCharFor } from '@huimin/domain';
import { Assignments } from '@huimin/store';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { homeVisitApplication, mealApplication } from '../e2e/client';
import { acceptedHoursAgo, eventually } from '../support/dynamo';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations, signIn, signOut, text } from './support';

/**
 * The provider console as a meal point uses it, at a phone and a desktop viewport: two residents
 * of one common name (王秀英, 82 and 66) apply through the API and are offered to the nearest meal
 * point. Its staff sign in by the meal point's name through the sign-in page; the heading names it
 * (never its id); the offers tell the two apart by age, street, distance and a short reference, and
 * show no phone before accepting. Declining asks for a reason and completing asks to confirm, both
 * saying what will happen. Accepted, the resident's phone (a tel: link), address and the family's
 * contact appear (also in the elderly-friendly mode). A home-visit organisation accepts the same
 * way and records a visit from the phone's location (coordinates are typed only if that fails). A
 * provider with nothing offered sees a friendly empty state, and signs out. axe-core finds no
 * serious or critical violation on any of these screens.
 */

const env = localStackWithBrowser('web-provider');

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const raw = await res.text();
  return { status: res.status, body: raw ? JSON.parse(raw) : {} };
}

/** A valid resident ID number of Qixia District for someone born on `birth` (YYYYMMDD), with a serial. */
function idNumber(birth: string, serial: string): string {
  const first17 = `320113${birth}${serial}`;
  return first17 + checkCharFor(first17);
}

/** Whole years from `birth` (YYYYMMDD) to today in China. */
function ageOf(birth: string): number {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return Math.floor((Number(today) - Number(birth)) / 10_000);
}

/**
 * Applies for a meal place as a family, approves its subsidy as district staff when it needs it,
 * and waits for the offer: its application id, assignment id, provider id and name.
 */
async function offeredMeal(familySub: string, id: string, detail: string, phone?: string) {
  const body = mealApplication({ idNumber: id });
  return offered(familySub, { ...body, subject: { ...body.subject, ...(phone ? { phone } : {}), address: { ...body.subject.address, detail } } });
}

/** Applies as a family with `application`, approves its subsidy when it waits for staff, and waits for the offer. */
async function offered(familySub: string, application: unknown): Promise<{ applicationId: string; assignmentId: string; providerId: string; providerName: string }> {
  const family = await env.stack.tokens.sign({ role: 'family', sub: familySub });
  const staff = await env.stack.tokens.sign({ role: 'staff', sub: 'browser-provider-staff', district: '320113' });
  const applied = await call('POST', '/applications', family, application);
  expect(applied.status, JSON.stringify(applied.body)).toBe(202);
  const applicationId = applied.body.id as string;
  const offered = await eventually(async () => {
    const a = (await call('GET', `/applications/${applicationId}`, family)).body;
    if (a.status === 'AWAITING_APPROVAL' && a.subsidy?.status === 'PENDING') {
      expect((await call('POST', `/subsidies/${a.subsidy.id}/approve`, staff, {})).status).toBe(200);
      return undefined;
    }
    return a.status === 'OFFERED' ? a : undefined;
  }, `the offer of ${applicationId}`);
  const app = await env.stack.store.getApplication(applicationId);
  const providerId = app?.assignment?.providerId ?? offered.assignment.providerId;
  const assignment = await env.stack.store.getAssignment(app?.assignment?.id ?? offered.assignment.id);
  return { applicationId, assignmentId: assignment!.id, providerId, providerName: assignment!.providerName };
}

/** `YYYY-MM-DDTHH:mm` in China time, as an `<input type=datetime-local>` in Asia/Shanghai takes it. */
function chinaLocal(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** Moves an offer's deadline to `minutes` from now, as if it had been waiting long. */
async function dueInMinutes(assignmentId: string, minutes: number): Promise<void> {
  const a = await env.stack.store.getAssignment(assignmentId);
  if (!a) throw new Error(`assignment ${assignmentId} missing`);
  const expiresAt = new Date(Date.now() + minutes * 60_000).toISOString();
  await env.stack.store.commit([env.stack.store.replace('assignment', Assignments, { ...a, expiresAt }, a.version)]);
}

/** Click the offers list's refresh until `count` offers of `name` are there. */
async function waitForOffers(page: Page, name: string, count: number): Promise<void> {
  const offers = page.locator('#offers-list li', { hasText: name });
  await expect
    .poll(
      async () => {
        if ((await offers.count()) >= count) return true;
        await page.click('#offers-refresh');
        return false;
      },
      { timeout: 20_000, interval: 1000 },
    )
    .toBe(true);
}

/** The whole page, and what the screen shows (the top of the page, or the dialog). */
async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  await page.screenshot({ path: `${SHOTS}/${name}-screen.png` });
}

/**
 * Reduced motion: a confirmation then goes at once instead of fading, so axe never catches one
 * half-faded (a fading toast's text is briefly below 4.5:1, and which screen that falls on is luck).
 */
const STILL: BrowserContextOptions = { reducedMotion: 'reduce' };

const VIEWPORTS: [string, BrowserContextOptions, { older: string; younger: string }][] = [
  ['phone', { ...PHONE, ...STILL }, { older: '19440315', younger: '19600520' }],
  ['desktop', { ...DESKTOP, ...STILL }, { older: '19430802', younger: '19581109' }],
];

describe('the provider console', () => {
  for (const [label, options, births] of VIEWPORTS) {
    it(`${label}: a meal point signs in by name, tells two residents of one name apart, and sees the contact once it accepts`, async () => {
      const older = await offeredMeal(`browser-provider-${label}-a`, idNumber(births.older, '042'), '文苑路 9 号 3 栋 201 室', '025-85712345');
      const younger = await offeredMeal(`browser-provider-${label}-b`, idNumber(births.younger, '062'), '仙林大道 168 号 12 栋 502 室');
      expect(younger.providerId).toBe(older.providerId);
      const olderAge = ageOf(births.older);
      const youngerAge = ageOf(births.younger);

      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      // Nobody signed in: the console sends people to the sign-in page, and back after it.
      await page.goto(`${env.stack.url}/provider.html`);
      await page.waitForURL(/signin\.html/);
      await signIn(page, env.stack.url, { role: 'provider', name: older.providerName });
      expect(new URL(page.url()).pathname).toMatch(/provider\.html$/);

      // The heading names the meal point, never its id.
      await expect.poll(text(page, 'h1')).toContain(older.providerName);
      expect(await flat(page.locator('main'))).not.toContain(older.providerId);
      expect(await flat(page.locator('header'))).toContain(older.providerName);

      // Two offers of 王秀英, told apart by age and a short reference; no phone or address yet.
      await waitForOffers(page, '王秀英', 2);
      const olderOffer = page.locator(`#offers-list li[data-assignment-id="${older.assignmentId}"]`);
      const youngerOffer = page.locator(`#offers-list li[data-assignment-id="${younger.assignmentId}"]`);
      const olderText = await flat(olderOffer);
      const youngerText = await flat(youngerOffer);
      expect(olderText).toContain(`${olderAge} 岁`);
      expect(youngerText).toContain(`${youngerAge} 岁`);
      expect(olderText).toContain('仙林街道 Xianlin');
      expect(olderText).toMatch(/约 \d+ 米，步行约 \d+ 分钟/);
      expect(olderText).toMatch(/还剩 \d+ 小时 Due in \d+ h/);
      expect(olderText).toContain(`编号 Ref. ${older.applicationId.replace(/-/g, '').slice(-4).toUpperCase()}`);
      expect(olderText).toContain('接单后可见联系方式 Contact details appear once you accept');
      // Under "all assignments" an open offer is listed short, pointing to where it is answered.
      const listed = page.locator(`#all-list li[data-assignment-id="${older.assignmentId}"]`);
      expect(await listed.getByRole('button').count()).toBe(0);
      await listed.getByRole('link', { name: /待接单/ }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(`offers-${older.assignmentId}-title`);
      // No raw codes: no UUID, no status code, no coordinates.
      expect(olderText).not.toContain(older.applicationId);
      expect(olderText).not.toMatch(/OFFERED|32\.10|118\.93/);
      for (const offer of [olderOffer, youngerOffer]) {
        expect(await offer.locator('a[href^="tel:"]').count()).toBe(0);
        expect(await flat(offer)).not.toContain('13912345678');
        expect(await flat(offer)).not.toContain('文苑路');
      }
      // The count beside the heading is the offers listed.
      expect(await flat(page.locator('#offers-count'))).toBe(String(await page.locator('#offers-list li').count()));
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `provider-${label}-offers`);
      if (SHOTS) await olderOffer.screenshot({ path: `${SHOTS}/provider-${label}-offer-card.png` });

      // Declining asks why and says what happens; cancelling leaves the offer as it was.
      await youngerOffer.getByRole('button', { name: /拒绝/ }).click();
      const ask = page.locator('dialog[open]');
      await ask.waitFor();
      expect(await flat(ask)).toContain('系统会为老人另找');
      await ask.getByRole('button', { name: /确认拒绝/ }).click();
      expect(await flat(ask)).toContain('请填写此项');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `provider-${label}-decline`);
      await ask.getByRole('button', { name: /取消/ }).click();
      await ask.waitFor({ state: 'detached' });
      expect(await youngerOffer.getByRole('button', { name: /接单/ }).isVisible()).toBe(true);

      // Accepting the 82-year-old's offer: the contact appears under all assignments.
      await olderOffer.getByRole('button', { name: /接单/ }).click();
      await page.locator('.toast', { hasText: '已接单' }).waitFor();
      const taken = page.locator(`#all-list li[data-assignment-id="${older.assignmentId}"]`).filter({ hasText: '已接单' });
      const phone = taken.locator('.contact a[href^="tel:"]').first();
      await phone.waitFor({ timeout: 15_000 });
      // Keyboard users land on the accepted assignment, its contact next.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`all-${older.assignmentId}-title`);
      // Her own (home) phone, then the daughter's mobile.
      expect(await taken.locator('.contact a[href^="tel:"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
        'tel:02585712345',
        'tel:13912345678',
      ]);
      const contact = await flat(taken.locator('.contact'));
      expect(contact).toContain('025-85712345');
      expect(contact).toContain('139 1234 5678');
      expect(contact).toContain('文苑路 9 号 3 栋 201 室');
      expect(contact).toContain('仙林街道');
      expect(contact).toContain(`${olderAge} 岁`);
      expect(contact).toContain('王芳');
      expect(contact).toContain('子女 Son or daughter');
      expect(contact).not.toMatch(/32\.10|118\.93/);
      expect(await taken.locator('.contact-locked').count()).toBe(0);
      // The other 王秀英 is still an offer, without contact.
      expect(await youngerOffer.locator('a[href^="tel:"]').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `provider-${label}-accepted`);
      if (SHOTS) await taken.screenshot({ path: `${SHOTS}/provider-${label}-accepted-card.png` });

      // In the elderly-friendly mode (large type, high contrast) the contact still reads well.
      await page.locator('#elderly-toggle').click();
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await taken.screenshot({ path: `${SHOTS}/provider-${label}-accepted-elderly.png` });
      await page.locator('#elderly-toggle').click();

      // Completing asks first and says what happens; cancelling keeps the service open.
      await taken.getByRole('button', { name: /服务已完成/ }).click();
      const confirm = page.locator('dialog[open]');
      await confirm.waitFor();
      expect(await flat(confirm)).toContain('名额释放');
      expect(await seriousViolations(page)).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/provider-${label}-complete-screen.png` });
      await confirm.getByRole('button', { name: /取消/ }).click();
      await confirm.waitFor({ state: 'detached' });
      expect(await taken.getByRole('button', { name: /服务已完成/ }).isVisible()).toBe(true);

      // The other 王秀英 is declined, with a reason: the offer leaves the list.
      await youngerOffer.getByRole('button', { name: /拒绝/ }).click();
      await ask.locator('textarea').fill('本周名额已满');
      await ask.getByRole('button', { name: /确认拒绝/ }).click();
      await page.locator('.toast', { hasText: '已拒绝' }).waitFor();
      await youngerOffer.waitFor({ state: 'detached', timeout: 15_000 });
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('#offers-title, #offers-list') !== null)).toBe(true);
      await context.close();
    });
  }

  it('a provider with nothing offered sees a friendly empty state, at both viewports', async () => {
    const identities = (await (await fetch(`${env.stack.url}/local/identities`)).json()) as { items: Json[] };
    const quiet = identities.items.find((i) => i.role === 'provider' && typeof i.providerId === 'string' && i.providerId.startsWith('meal-320113-baguazhou'));
    expect(quiet, 'a meal point of 八卦洲街道 among the demo identities').toBeDefined();
    for (const [label, options] of VIEWPORTS) {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      await signIn(page, env.stack.url, { role: 'provider', name: quiet!.name });
      await expect.poll(text(page, 'h1')).toContain(quiet!.name);
      await expect.poll(text(page, '#offers-status'), { timeout: 15_000 }).toContain('目前没有待接的派单');
      await expect.poll(text(page, '#all-status'), { timeout: 15_000 }).toContain('还没有派单');
      expect(await page.locator('#offers-list li').count()).toBe(0);
      expect(await flat(page.locator('main'))).not.toContain(quiet!.providerId);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `provider-${label}-empty`);
      // Signed out, the console asks who is there again.
      await signOut(page);
      await page.goto(`${env.stack.url}/provider.html`);
      await page.waitForURL(/signin\.html/);
      await context.close();
    }
  });

  for (const [label, options, births] of VIEWPORTS) {
    it(`${label}: a home-visit organisation accepts, sees the contact, and records a visit from its location`, async () => {
      const body = homeVisitApplication({ idNumber: idNumber(births.older, '081'), name: '李桂兰', services: ['cleaning', 'companionship'] });
      const hv = await offered(`browser-provider-hv-${label}`, { ...body, subject: { ...body.subject, address: { ...body.subject.address, detail: '学海路 1 号 2 栋 301 室' } } });
      // An offer near its deadline says so, in red.
      await dueInMinutes(hv.assignmentId, 40);
      const context = await env.browser.newContext({ ...options, geolocation: { latitude: 32.105, longitude: 118.93, accuracy: 10 }, permissions: ['geolocation'] });
      const page = await context.newPage();
      await signIn(page, env.stack.url, { role: 'provider', name: hv.providerName });
      await expect.poll(text(page, 'h1')).toContain(hv.providerName);
      await waitForOffers(page, '李桂兰', 1);
      const offer = page.locator(`#offers-list li[data-assignment-id="${hv.assignmentId}"]`);
      const offerText = await flat(offer);
      expect(offerText).toContain(`${ageOf(births.older)} 岁`);
      expect(offerText).toContain('助洁 Cleaning');
      expect(offerText).toContain('精神慰藉 Companionship');
      expect(offerText).toContain('14 小时/月');
      expect(offerText).toMatch(/还剩 (39|40) 分钟 Due in (39|40) min/);
      expect(await offer.locator('.due.due-soon').count()).toBe(1);
      expect(offerText).not.toMatch(/cleaning|companionship|careLevel/);
      expect(await offer.locator('a[href^="tel:"]').count()).toBe(0);
      await offer.getByRole('button', { name: /接单/ }).click();

      const taken = page.locator(`#all-list li[data-assignment-id="${hv.assignmentId}"]`).filter({ hasText: '已接单' });
      await taken.locator('.contact a[href^="tel:13912345678"]').waitFor({ timeout: 15_000 });
      expect(await flat(taken.locator('.contact'))).toContain('学海路 1 号 2 栋 301 室');
      // The visit's place comes from the phone's location; coordinates are typed only when that fails.
      const form = taken.locator('form.visit-form');
      expect(await form.locator('input[name="lat"]').isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);

      // Visits count from the acceptance: move it back three hours, as a test cannot wait.
      await acceptedHoursAgo(env.stack.store, hv.assignmentId, 3);
      const now = Date.now();
      await form.locator('input[name="startedAt"]').fill(chinaLocal(new Date(now - 2 * 3_600_000)));
      await form.locator('input[name="endedAt"]').fill(chinaLocal(new Date(now - 3_600_000)));
      await form.getByLabel('助洁 Cleaning').check();
      await form.getByRole('button', { name: /使用当前位置/ }).click();
      await expect.poll(() => form.locator('input[name="lat"]').inputValue()).toBe('32.105000');
      await form.getByRole('button', { name: /^登记/ }).click();
      await page.locator('.toast', { hasText: '已登记上门服务 1 小时' }).waitFor();
      await expect.poll(() => flat(taken.locator('.visit-list')), { timeout: 10_000 }).toContain('60 分钟');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `provider-${label}-home-visit`);
      if (SHOTS) await taken.screenshot({ path: `${SHOTS}/provider-${label}-home-visit-card.png` });
      await context.close();
    });
  }
});
