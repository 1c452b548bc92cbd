import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, flat, localStackWithBrowser, PHONE, SHOTS, seriousViolations, signIn } from './support';

/**
 * 长辈模式 (the elderly-friendly mode, 适老化) and the page shell's typography on a phone and a
 * desktop: large type and high contrast on a toggle that is remembered, 44 px touch targets, English
 * smaller than Chinese, a focus ring of 3:1 or more against what is behind it, and toasts that
 * never cover the content.
 */

const env = localStackWithBrowser('elderly');

type Rgb = [number, number, number];

/** "rgb(1, 2, 3)" / "rgba(1, 2, 3, 0.5)" / "rgb(1 2 3)" → [1, 2, 3] (alpha ignored: callers pass opaque colours). */
function parseColour(css: string): Rgb {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG 2 relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 contrast ratio of two colours (1 … 21). */
function contrastRatio(a: string, b: string): number {
  const la = luminance(parseColour(a));
  const lb = luminance(parseColour(b));
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

interface Ring {
  tag: string;
  text: string;
  style: string;
  width: number;
  colour: string;
  background: string;
}

/**
 * The focused element's outline, and the first opaque background behind the ring: what is drawn at
 * a point on the ring (left of the element, past the outline offset), else the element's ancestors'.
 */
function focusRing(page: Page): Promise<Ring> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    const opaque = (node: Element | null): string | undefined => {
      for (let n = node; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
      }
      return undefined;
    };
    const r = el.getBoundingClientRect();
    const reach = Number.parseFloat(cs.outlineOffset) + Number.parseFloat(cs.outlineWidth) / 2;
    const x = Math.max(0, r.left - reach);
    const y = r.top + r.height / 2;
    const under = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
    const background = opaque(under ?? null) ?? opaque(el.parentElement) ?? 'rgb(255, 255, 255)';
    return { tag: el.tagName, text: (el.textContent ?? '').trim().slice(0, 40), style: cs.outlineStyle, width: Number.parseFloat(cs.outlineWidth), colour: cs.outlineColor, background };
  });
}

/** Press Tab until a <button> inside `scope` has the focus; answers its ring. */
async function tabToButton(page: Page, scope: string): Promise<Ring> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate((s) => {
      const el = document.activeElement;
      return el?.tagName === 'BUTTON' && Boolean(el.closest(s));
    }, scope);
    if (there) return focusRing(page);
  }
  throw new Error(`no button in ${scope} reached with Tab`);
}

function expectVisibleRing(ring: Ring) {
  expect(ring.style, `${ring.tag} "${ring.text}"`).not.toBe('none');
  expect(ring.width, `${ring.tag} "${ring.text}"`).toBeGreaterThanOrEqual(3);
  const ratio = contrastRatio(ring.colour, ring.background);
  expect(ratio, `${ring.tag} "${ring.text}": ${ring.colour} on ${ring.background}`).toBeGreaterThanOrEqual(3);
}

/** Visible buttons (and links styled as buttons) less than 44 px high or wide. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, a.btn, input[type="text"], input[type="search"], input[type="tel"], select'))
      .filter((el) => el.offsetParent !== null && !el.closest('[hidden]'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ el, r }) => `${el.tagName}#${el.id} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

/** `.bi` pairs whose English is not rendered smaller than their Chinese. */
function englishNotSmaller(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.bi'))
      .map((bi) => ({ bi, zh: bi.querySelector(':scope > [lang="zh-CN"]'), en: bi.querySelector(':scope > [lang="en"]') }))
      .filter(({ zh, en }) => zh && en && (en as HTMLElement).offsetParent !== null)
      .filter(({ zh, en }) => Number.parseFloat(getComputedStyle(en as Element).fontSize) >= Number.parseFloat(getComputedStyle(zh as Element).fontSize))
      .map(({ bi }) => (bi.textContent ?? '').trim().slice(0, 40)),
  );
}

/** Start keyboard navigation from the top of the document again. */
const resetFocus = (page: Page) =>
  page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });

/** Wait until no animation runs (a toast unfolds in a quarter of a second). */
const settled = (page: Page) => page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));

const rootFontSize = (page: Page) => page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));

async function shoot(page: Page, name: string, fullPage = false) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
}

const VIEWPORTS: [string, BrowserContextOptions][] = [
  ['phone', PHONE],
  ['desktop', DESKTOP],
];

describe.each(VIEWPORTS)('the elderly-friendly mode on a %s', (viewportName, viewport) => {
  it('enlarges the type, keeps contrast, targets and the focus ring, and is remembered', async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      await signIn(page, env.stack.url, { role: 'family', name: '王芳' });
      await page.locator('main h1').first().waitFor();
      expect((await page.locator('html').getAttribute('class')) ?? '').not.toMatch(/elderly/);

      // Normal mode: English smaller than Chinese, 44 px targets, a 3:1 focus ring on the dark
      // header and on the light page.
      const normalSize = await rootFontSize(page);
      expect(await englishNotSmaller(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await resetFocus(page);
      // The skip link first (it shows over the dark header), then the header's buttons.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      expectVisibleRing(await focusRing(page));
      expectVisibleRing(await tabToButton(page, '.site-header'));
      expectVisibleRing(await tabToButton(page, 'main'));
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `normal-${viewportName}`);

      // Turned on from the keyboard: Tab to the toggle, press Space.
      await resetFocus(page);
      for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.id === 'elderly-toggle')); i++) await page.keyboard.press('Tab');
      expectVisibleRing(await focusRing(page));
      await page.keyboard.press('Space');
      expect(await page.locator('#elderly-toggle').getAttribute('aria-pressed')).toBe('true');
      expect((await page.locator('html').getAttribute('class')) ?? '').toMatch(/\belderly\b/);
      const largeSize = await rootFontSize(page);
      expect(largeSize).toBeGreaterThan(normalSize);
      expect(largeSize).toBeGreaterThanOrEqual(20);
      expect(await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).lineHeight) / Number.parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(1.6);
      // Near-black text on white.
      expect(contrastRatio(await page.evaluate(() => getComputedStyle(document.body).color), await page.evaluate(() => getComputedStyle(document.body).backgroundColor))).toBeGreaterThanOrEqual(15);
      expectVisibleRing(await focusRing(page));
      expect(await englishNotSmaller(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      expectVisibleRing(await tabToButton(page, 'main'));
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `elderly-${viewportName}`);
      await shoot(page, `elderly-${viewportName}-full`, true);

      // Remembered on this device across a reload.
      await page.reload();
      await page.locator('#session-name').waitFor();
      expect((await page.locator('html').getAttribute('class')) ?? '').toMatch(/\belderly\b/);
      expect(await page.locator('#elderly-toggle').getAttribute('aria-pressed')).toBe('true');
      expect(await rootFontSize(page)).toBe(largeSize);

      // Windows high contrast (forced colours): the ring is still drawn, as thick.
      await page.emulateMedia({ forcedColors: 'active' });
      await resetFocus(page);
      const forced = await tabToButton(page, 'main');
      expect(forced.style).not.toBe('none');
      expect(forced.width).toBeGreaterThanOrEqual(3);
      await page.emulateMedia({ forcedColors: 'none' });

      // The sign-in page follows the same setting (one device, one choice).
      await page.goto(`${env.stack.url}/signin.html`);
      await page.locator('.identity-choice').first().waitFor();
      expect((await page.locator('html').getAttribute('class')) ?? '').toMatch(/\belderly\b/);
      expect(await page.locator('#elderly-toggle').getAttribute('aria-pressed')).toBe('true');
      expect(await smallTargets(page)).toEqual([]);
      expect(await englishNotSmaller(page)).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `elderly-signin-${viewportName}`);
      await page.goBack();
      await page.locator('#session-name').waitFor();

      // Off again.
      await page.locator('#elderly-toggle').click();
      expect((await page.locator('html').getAttribute('class')) ?? '').not.toMatch(/\belderly\b/);
      expect(await rootFontSize(page)).toBe(normalSize);
    } finally {
      await context.close();
    }
  });

  it('shows toasts under the header, never over the content; confirmations go, errors stay', async () => {
    const context = await env.browser.newContext(viewport);
    try {
      const page = await context.newPage();
      await signIn(page, env.stack.url, { role: 'family', name: '王芳' });
      await page.locator('main h1').first().waitFor();
      // The page's own toast() (a string expression: the test runner leaves it untransformed).
      const toast = (zh: string, en: string, kind = 'ok') => page.evaluate(`import('/api.js').then((m) => m.toast(${JSON.stringify([zh, en])}, ${JSON.stringify(kind)}))`);

      // At the top: the toast sits in the flow between the header and the content.
      await toast('已保存', 'Saved');
      const saved = page.locator('.toast', { hasText: '已保存' });
      await saved.waitFor();
      await settled(page);
      const geometry = await page.evaluate(() => {
        const t = (document.querySelector('.toast') as HTMLElement).getBoundingClientRect();
        const header = (document.querySelector('header.site-header') as HTMLElement).getBoundingClientRect();
        const main = (document.querySelector('main') as HTMLElement).getBoundingClientRect();
        return { toastTop: t.top, toastBottom: t.bottom, headerBottom: header.bottom, mainTop: main.top, position: getComputedStyle(document.getElementById('toasts') as HTMLElement).position };
      });
      expect(geometry.position).not.toBe('fixed');
      expect(geometry.toastTop).toBeGreaterThanOrEqual(geometry.headerBottom - 1);
      expect(geometry.toastBottom).toBeLessThanOrEqual(geometry.mainTop + 1);
      // Its close button's ring is white on the dark green.
      await resetFocus(page);
      expectVisibleRing(await tabToButton(page, '.toast-ok'));
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `toast-top-${viewportName}`);

      // Scrolled to the end: the toast does not cover the last button on the screen.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      // An error as the API answers it: said in words, with no code, status or field path on show.
      await page.evaluate(
        `import('/api.js').then((m) => m.toast(m.errorBox(new m.ApiError({ status: 400, code: 'VALIDATION_FAILED', messageZh: '填写的信息有误，请按提示修改。', message: 'Some answers need changing.', issues: [{ path: 'subject.idNumber', message: '身份证号码最后一位不对，请核对。' }], requestId: 'req-123' }), { titleZh: '出错了，请重试', titleEn: 'Something failed; try again' }), 'error'))`,
      );
      const failed = page.locator('.toast', { hasText: '出错了' });
      await failed.waitFor();
      await settled(page);
      const said = await flat(failed);
      expect(said).toContain('身份证号码最后一位不对');
      expect(said).not.toMatch(/VALIDATION_FAILED|HTTP|400|subject\.idNumber|req-123/);
      // The request id is there for support, folded away.
      expect(await failed.locator('details.support-info').getAttribute('open')).toBeNull();
      expect(await failed.locator('details.support-info').textContent()).toContain('req-123');
      const overlaps = await page.evaluate(() => {
        const vh = window.innerHeight;
        const buttons = Array.from(document.querySelectorAll<HTMLElement>('main button, main .btn, main input, main select'))
          .filter((el) => el.offsetParent !== null)
          .map((el) => el.getBoundingClientRect())
          .filter((r) => r.bottom > 0 && r.top < vh && r.height > 0);
        const last = buttons.sort((a, b) => b.bottom - a.bottom)[0];
        const toasts = Array.from(document.querySelectorAll<HTMLElement>('.toast')).map((el) => el.getBoundingClientRect());
        const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return { found: Boolean(last), covered: last ? toasts.some((t) => hit(t, last)) : false, lowestToastBottom: Math.max(...toasts.map((t) => t.bottom)), vh };
      });
      expect(overlaps.found).toBe(true);
      expect(overlaps.covered).toBe(false);
      // Nothing at the bottom of the screen, where the next button is.
      expect(overlaps.lowestToastBottom).toBeLessThan(overlaps.vh / 2);
      await shoot(page, `toast-scrolled-${viewportName}`);

      // Going back up with the keyboard, nothing focused is hidden under the toasts (WCAG 2.4.11).
      await page.locator('main button:visible').last().focus();
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Shift+Tab');
        const hidden = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el?.closest('main')) return null;
          const r = el.getBoundingClientRect();
          const covered = Array.from(document.querySelectorAll('.toast'))
            .map((t) => t.getBoundingClientRect())
            .some((t) => r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom);
          return covered ? `${el.tagName}#${el.id} at ${Math.round(r.top)}` : null;
        });
        expect(hidden).toBeNull();
      }

      // The confirmation goes by itself after about 6 s; the error stays until it is closed.
      await saved.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await failed.isVisible()).toBe(true);
      await failed.getByRole('button', { name: /关闭/ }).click();
      await failed.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });
});
