import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import type { DemoIdentity as SeededIdentity } from '../../packages/local/src/seed';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';

/** Debian's Chromium (`apt-get install -y chromium`; CI installs it), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set SCREENSHOT_DIR to keep screenshots of the pages a test walks through. */
export const SHOTS = process.env.SCREENSHOT_DIR;

/**
 * A local stack on a fresh table and a headless Chromium for the file's tests, started before them
 * and stopped after. Read `stack` and `browser` inside tests (they are set by then).
 */
export function localStackWithBrowser(tablePrefix: string): { readonly stack: LocalStack; readonly browser: Browser } {
  const started: { stack?: LocalStack; browser?: Browser } = {};
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    started.stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `${tablePrefix}-${randomUUID().slice(0, 8)}` });
    started.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await started.browser?.close();
    await started.stack?.stop();
  });
  return {
    get stack() {
      if (!started.stack) throw new Error('the local stack is not started yet');
      return started.stack;
    },
    get browser() {
      if (!started.browser) throw new Error('the browser is not started yet');
      return started.browser;
    },
  };
}

/** Every page is opened as a family in Nanjing would: Chinese locale, China time. */
export const CONTEXT: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** Rendered text with runs of white space as one space (English sits beside or under the Chinese). */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what people read (hidden parts left out)
export const flat = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ');
/** A poller of one element's rendered text, for `expect.poll`. */
export const text = (page: Page, selector: string) => () => flat(page.locator(selector));

/** Viewports every page is tried at: a phone (touch, 390 px) and a desktop. */
export const PHONE: BrowserContextOptions = { ...CONTEXT, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP: BrowserContextOptions = { ...CONTEXT, viewport: { width: 1280, height: 900 } };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation, as a test failure message shows it. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now and answers the serious and
 * critical violations; `expect(await seriousViolations(page)).toEqual([])` names them on failure.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  // Once no toast is unfolding or fading away: mid-fade a toast is half transparent, and axe would
  // measure its contrast in passing.
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.toast')).every((t) => t.getAnimations().length === 0));
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result shape
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => String(n.target)) }));
  });
  return (found as AxeFinding[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A demo identity as the sign-in page shows it: its role and its displayed (Chinese) name. */
export type DemoIdentity = Pick<SeededIdentity, 'role' | 'name'>;

/** The page each role lands on after signing in (when no `next` is given). */
export const HOME_PAGE: Record<DemoIdentity['role'], string> = { family: 'index.html', provider: 'provider.html', staff: 'staff.html', grid: 'index.html' };

/**
 * Signs in as a demo identity through the local sign-in page: opens signin.html (unless the page is
 * already there, e.g. after a redirect keeping its `next`), picks the identity by its displayed name
 * and waits for the landing page's header to name who is signed in.
 */
export async function signIn(page: Page, baseUrl: string, { role, name }: DemoIdentity): Promise<void> {
  if (!/\/signin\.html/.test(page.url())) await page.goto(`${baseUrl}/signin.html`);
  const choice = page.locator(`button.identity-choice[data-role="${role}"][data-name="${name.replace(/"/g, '\\"')}"]`);
  await choice.first().click();
  await page.waitForURL((url) => !url.pathname.endsWith('/signin.html'));
  await page.locator('#session-name').waitFor();
}

/** Signs out through the header's 退出登录 button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('#sign-out').click();
  await page.waitForURL((url) => url.pathname.endsWith('/signin.html'));
}
