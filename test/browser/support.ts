import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
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
