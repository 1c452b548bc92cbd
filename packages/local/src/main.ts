import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_APPLICATION } from './seed';
import { REPO_ROOT, startLocalStack } from './stack';

/**
 * `npm start`: the whole stack on http://localhost:3000 with demo data for Qixia District.
 * `npm start -- --persist` (or HUIMIN_PERSIST=1) keeps data in .data/ between runs.
 */
// The SDK warns that its 2027 releases need Node 22; Lambda runs Node 24, and this machine's 20 is fine today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    persist: { type: 'boolean', default: false },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'demo-waitlist': { type: 'string' },
  },
});
const persist = values.persist || process.env.HUIMIN_PERSIST === '1' || process.env.HUIMIN_PERSIST === 'true';
const port = Number(values.port ?? process.env.PORT ?? 3000);
const started = Date.now();
if (port !== 0) {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free) {
    console.error(`端口 ${port} 已被占用 / Port ${port} is in use: stop the other process or run with PORT=4000 npm start`);
    process.exit(1);
  }
}
const stack = await startLocalStack({
  port,
  demoWaitlist: Number(values['demo-waitlist'] ?? process.env.HUIMIN_DEMO_WAITLIST ?? 600),
  ...(persist ? { dataDir: resolve(values['data-dir'] ?? process.env.HUIMIN_DATA_DIR ?? resolve(REPO_ROOT, '.data')) } : {}),
});

const u = stack.url;
console.log(`
惠民 Huimin local stack is ready in ${((Date.now() - started) / 1000).toFixed(1)} s — ${persist ? 'data persisted in .data/' : 'in memory (use --persist to keep data)'}

  登录 Sign in               ${u}/signin.html   (pick a demo family, provider, staff member or grid worker)
  家属申请页 Family form      ${u}/
  服务机构页 Provider console ${u}/provider.html
  民政工作台 Staff console    ${u}/staff.html
  API (OpenAPI 3.1)           ${u}/openapi.json     health: ${u}/health
  短信 Text messages          written to ${stack.smsFile} (the local SMS gateway)

Ready tokens (12 h) — send as "Authorization: Bearer <token>":
  family   (sub demo-family)                          ${stack.demo.family}
  provider (meal point ${stack.demo.providerId})  ${stack.demo.provider}
  staff    (district 320113 栖霞区)                    ${stack.demo.staff}
  provider (home visits ${stack.demo.homeVisitProviderId})  ${stack.demo.homeVisitProvider}
  grid     (网格员, 320113 仙林街道)                   ${stack.demo.grid}
  provider (nursery ${stack.demo.nurseryId})  ${stack.demo.nursery}
More: POST ${u}/local/token {"role":"family"|"provider"|"staff"|"grid","sub":"…","providerId"?:"…","district"?:"…","street"?:"…"}

Try it:
  curl -s -X POST ${u}/applications -H "Authorization: Bearer $FAMILY" -H 'Content-Type: application/json' \\
    -d '${JSON.stringify(EXAMPLE_APPLICATION)}'
Press Ctrl+C to stop.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  // Never hang on the way out: DynamoDB Local is killed with this process in any case.
  setTimeout(() => process.exit(1), 5000).unref();
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
