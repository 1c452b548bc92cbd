import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { FUNCTION_SPECS, type FunctionName, routeKeyOf } from '@huimin/functions/wiring';
import { Assignments } from '@huimin/store';
import { asFunction } from '../../packages/local/src/access';
import { lambdaContext } from '../../packages/local/src/bus';
import { demoWaitlist, seedWaitlist } from '../../packages/local/src/seed';
import type { LocalStack } from '../../packages/local/src/stack';
import { apiClient, homeVisitApplication, mealApplication } from '../e2e/client';
import { bornMonthsBefore, nextMonth } from '../support/calendar';
import { acceptedHoursAgo, eventually } from '../support/dynamo';

/**
 * A tour of the whole system for test/reliability/least-privilege.test.ts: every function of the
 * wiring table invoked through its real trigger (HTTP routes, the events the flows publish, the
 * offer sweep's schedule), along the paths that use each grant the wiring declares. Bodies and
 * sequences follow test/e2e. Every HTTP answer is checked against the status the step expects.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
export type Json = Record<string, any>;

export interface HttpCall {
  fn: FunctionName | undefined;
  route: string;
  status: number;
  expected: number;
}

const DISTRICT = '320113';
const MEAL_1 = 'meal-320113-xianlin-01';
const MEAL_2 = 'meal-320113-xianlin-02';
const CONTRACTOR = 'retrofit-320113-01';
const NURSERY_A = 'childcare-320113-xianlin';
const NURSERY_B = 'childcare-320113-xianlin-hu';
const NURSERY_C = 'childcare-320113-maqun';
const HOUR = 3_600_000;

/** The wiring's HTTP routes as matchers, to name the function a request reached. */
const ROUTES = FUNCTION_SPECS.flatMap(([fn, spec]) =>
  (spec.http ?? []).map((r) => ({
    fn,
    key: routeKeyOf(r),
    method: r.method,
    pattern: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })),
);

function routeOf(method: string, path: string): { fn: FunctionName | undefined; key: string } {
  const bare = path.split('?')[0] ?? path;
  const hit = ROUTES.find((r) => r.method === method && r.pattern.test(bare));
  return hit ? { fn: hit.fn, key: hit.key } : { fn: undefined, key: `${method} ${bare}` };
}

/** Today in China plus `offsetDays`, YYYY-MM-DD. */
function chinaDate(offsetDays = 0): string {
  return new Date(Date.now() + 8 * HOUR + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
/** An instant `hours` from now (negative: ago), as a phone in Nanjing would send it. */
function hoursFromNow(hours: number): string {
  return `${new Date(Date.now() + hours * HOUR + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;
}
/** A valid ID number of another person of the district born on `birth` (YYYYMMDD). */
let sequence = 500;
function person(birth: string): string {
  const first17 = `${DISTRICT}${birth}${String(sequence++).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

function retrofitApplication(idNumber: string) {
  return {
    type: 'retrofit',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: { name: '王秀英', idNumber, address: { district: DISTRICT, street: '仙林街道', detail: '仙林大道1号3栋201', location: { lat: 32.105, lng: 118.93 } } },
    needs: { careLevel: 2, wishes: ['grab-bar', 'shower-chair'] },
  };
}

function childcareApplication(o: { idNumber: string; preferences: string[]; name?: string; phone?: string; needs?: Json; location: Json }) {
  return {
    type: 'childcare',
    applicant: { name: '李娜', phone: o.phone ?? '13812345678', relationship: 'parent' },
    subject: { name: o.name ?? '李一诺', idNumber: o.idNumber, address: { district: DISTRICT, street: '仙林街道', location: o.location } },
    needs: { preferences: o.preferences, startMonth: nextMonth(), ...o.needs },
  };
}

export async function runTour(stack: LocalStack, calls: HttpCall[]): Promise<void> {
  const raw = apiClient(stack.url);
  /** One request of the tour: its answer must be `expected`, or the tour stops there. */
  async function call(method: string, path: string, expected: number, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Json> {
    const res = await raw<Json>(method, path, opts);
    const { fn, key } = routeOf(method, path);
    calls.push({ fn, route: key, status: res.status, expected });
    if (res.status !== expected) throw new Error(`${method} ${path} (${fn ?? 'no function'}) answered ${res.status}, expected ${expected}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const sign = (claims: Record<string, string>) => stack.tokens.sign(claims as never);
  const familyToken = () => sign({ role: 'family', sub: `family-${randomUUID()}` });
  const providerToken = (providerId: string) => sign({ role: 'provider', sub: `manager-${providerId}`, providerId });
  const staff = stack.demo.staff;

  /** Reads the application until `ok` holds (GET /applications/{id} is getApplication's real path). */
  const until = (id: string, token: string, ok: (a: Json) => boolean, what: string, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const a = await call('GET', `/applications/${id}`, 200, { token });
        return ok(a) ? a : undefined;
      },
      `application ${id} ${what}`,
      timeoutMs,
    );
  const reaches = (id: string, token: string, status: string) => until(id, token, (a) => a.status === status, `to reach ${status}`);
  const submit = async (token: string, body: unknown, headers?: Record<string, string>) =>
    (await call('POST', '/applications', 202, { token, body, ...(headers ? { headers } : {}) })).id as string;

  /** Moves an offer's deadline into the past (rewritten rather than waited for, as test/e2e does). */
  const pastDeadline = (assignmentId: string) => moveDeadline(assignmentId, '2026-01-01T00:00:00.000Z');
  const moveDeadline = async (assignmentId: string, expiresAt: string) => {
    const a = await stack.store.getAssignment(assignmentId);
    if (!a) throw new Error(`assignment ${assignmentId} is missing`);
    await stack.store.commit([stack.store.replace('assignment', Assignments, { ...a, expiresAt }, a.version)]);
  };

  // ---- Anyone, and the forms' reference data ------------------------------------------------------
  await call('GET', '/health', 200);
  await call('GET', '/openapi.json', 200);
  await call('GET', '/programmes', 200, { token: await familyToken() });
  await call('GET', `/programmes/childcare/providers?district=${DISTRICT}`, 200, { token: await familyToken() });

  // ---- Meal: approved by staff, declined, re-offered, accepted, meals recorded, completed -------------
  const mealFamily = await familyToken();
  const mealBody = mealApplication({ idNumber: person('19440315') });
  const mealKey = { 'idempotency-key': `tour-${randomUUID()}` };
  const mealId = await submit(mealFamily, mealBody, mealKey);
  // The same key and body replay the first answer; the same person without the key is a duplicate.
  if ((await submit(mealFamily, mealBody, mealKey)) !== mealId) throw new Error('the Idempotency-Key replay answered another application');
  const duplicate = await call('POST', '/applications', 409, { token: await familyToken(), body: mealBody });
  if (duplicate.error?.existingId !== mealId) throw new Error(`the duplicate did not name ${mealId}: ${JSON.stringify(duplicate)}`);
  const mealWaiting = await reaches(mealId, mealFamily, 'AWAITING_APPROVAL');
  await call('GET', '/subsidies?status=PENDING', 200, { token: staff });
  await call('POST', `/subsidies/${mealWaiting.subsidy.id}/approve`, 200, { token: staff, body: { note: '材料齐全' } });
  const mealFirst = await reaches(mealId, mealFamily, 'OFFERED');
  if (mealFirst.assignment.providerId !== MEAL_1) throw new Error(`the first offer went to ${mealFirst.assignment.providerId}, not the nearest ${MEAL_1}`);
  const first = await providerToken(mealFirst.assignment.providerId);
  await call('GET', '/assignments?status=OFFERED', 200, { token: first });
  await call('GET', '/assignments', 200, { token: first });
  await call('POST', `/assignments/${mealFirst.assignment.id}/decline`, 200, { token: first, body: { reason: '本周厨房检修' } });
  const mealSecond = await until(mealId, mealFamily, (a) => a.status === 'OFFERED' && a.assignment.id !== mealFirst.assignment.id, 'to be offered again');
  if (mealSecond.assignment.providerId !== MEAL_2) throw new Error(`the second offer went to ${mealSecond.assignment.providerId}, not ${MEAL_2}`);
  const mealPoint = await providerToken(MEAL_2);
  await call('POST', `/assignments/${mealSecond.assignment.id}/accept`, 200, { token: mealPoint });
  await reaches(mealId, mealFamily, 'ACTIVE');
  // Everyone's inbox: the family, the meal point, the district's staff.
  for (const token of [mealFamily, mealPoint, staff]) await call('GET', '/notifications', 200, { token });
  await call('POST', `/assignments/${mealSecond.assignment.id}/meals`, 201, { token: mealPoint, body: { date: chinaDate(), count: 2 } });
  // Its readers: the meal point, the district's staff and the application's owner.
  for (const token of [mealPoint, staff, mealFamily]) await call('GET', `/assignments/${mealSecond.assignment.id}/records`, 200, { token });
  await call('POST', `/assignments/${mealSecond.assignment.id}/complete`, 200, { token: mealPoint });
  await reaches(mealId, mealFamily, 'COMPLETED');

  // ---- Meal: the subsidy rejected ------------------------------------------------------------------
  const rejectedFamily = await familyToken();
  const rejectedId = await submit(rejectedFamily, mealApplication({ idNumber: person('19430610') }));
  const rejectedWaiting = await reaches(rejectedId, rejectedFamily, 'AWAITING_APPROVAL');
  await call('POST', `/subsidies/${rejectedWaiting.subsidy.id}/reject`, 200, { token: staff, body: { reason: '材料不全' } });
  await reaches(rejectedId, rejectedFamily, 'REJECTED');

  // ---- Meal: ineligible (a district outside the programme) -----------------------------------------
  const ineligibleFamily = await familyToken();
  const ineligibleId = await submit(ineligibleFamily, mealApplication({ idNumber: person('19421120'), district: '320803', street: '淮城街道', lat: 33.5, lng: 119.14 }));
  await reaches(ineligibleId, ineligibleFamily, 'INELIGIBLE');

  // ---- Meal: on the low-income registry (免申即享), offered, then cancelled by the family ----------------
  const cancelFamily = await familyToken();
  const cancelId = await submit(cancelFamily, mealApplication({ idNumber: '320113193709120049' }));
  await reaches(cancelId, cancelFamily, 'OFFERED');
  await call('POST', `/applications/${cancelId}/cancel`, 200, { token: cancelFamily });

  // ---- Meal: an offer accepted after its deadline: 409, the place released, the next meal point offered --
  const tardyFamily = await familyToken();
  const tardyId = await submit(tardyFamily, mealApplication({ idNumber: person('19600316') })); // 66: no subsidy
  const tardyOffer = await reaches(tardyId, tardyFamily, 'OFFERED');
  await pastDeadline(tardyOffer.assignment.id);
  const tardy = await call('POST', `/assignments/${tardyOffer.assignment.id}/accept`, 409, { token: await providerToken(tardyOffer.assignment.providerId) });
  if (tardy.error?.code !== 'OFFER_EXPIRED') throw new Error(`a late acceptance answered ${JSON.stringify(tardy)}`);
  await until(tardyId, tardyFamily, (a) => a.status === 'OFFERED' && a.assignment.id !== tardyOffer.assignment.id, 'to be offered again after the late acceptance');

  // ---- Meal: an offer past its deadline, swept by the schedule and offered at the next meal point -----
  const lateFamily = await familyToken();
  const lateId = await submit(lateFamily, mealApplication({ idNumber: person('19600315') })); // 66: no subsidy
  const lateOffer = await reaches(lateId, lateFamily, 'OFFERED');
  await pastDeadline(lateOffer.assignment.id);
  // …and one due within the hour: the same sweep reminds its meal point.
  const dueFamily = await familyToken();
  const dueOffer = await reaches(await submit(dueFamily, mealApplication({ idNumber: person('19610820') })), dueFamily, 'OFFERED');
  await moveDeadline(dueOffer.assignment.id, new Date(Date.now() + 3_600_000).toISOString());
  // What the local stack's timer does every five minutes (stack.ts): the handler, run as expireOffers.
  const { handler: sweep } = await import('../../functions/src/consumers/expire-offers/handler');
  const scheduled = { id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} };
  await asFunction('expireOffers', () => sweep(scheduled as never, lambdaContext('expireOffers')));
  await until(lateId, lateFamily, (a) => a.status === 'OFFERED' && a.assignment.id !== lateOffer.assignment.id, 'to be offered again after the deadline');
  const dueInbox = await call('GET', '/notifications', 200, { token: await providerToken(dueOffer.assignment.providerId) });
  if (!dueInbox.items.some((n: Json) => n.kind === 'deadline-near' && n.assignmentId === dueOffer.assignment.id)) throw new Error(`no reminder of ${dueOffer.assignment.id}: ${JSON.stringify(dueInbox)}`);

  // ---- Meal: waitlisted out of reach; a provider registered there takes them ---------------------------
  const farFamily = await familyToken();
  const farId = await submit(
    farFamily,
    mealApplication({ idNumber: '320113195202183322', street: '八卦洲街道', lat: 32.1955, lng: 118.7705, needs: { diets: ['halal'], maxDistanceMetres: 300 } }),
  );
  await reaches(farId, farFamily, 'WAITLISTED');
  const registered = await call('POST', '/providers', 201, {
    token: staff,
    body: { name: '八卦洲清真助餐点', kind: 'meal', street: '八卦洲街道', location: { lat: 32.1962, lng: 118.7712 }, capacity: 2, diets: ['halal'] },
  });
  await until(farId, farFamily, (a) => a.status === 'OFFERED' && a.assignment.providerId === registered.id, 'to be offered by the new provider');
  await call('GET', '/providers', 200, { token: staff });
  await call('PUT', `/providers/${registered.id}/capacity`, 200, { token: await providerToken(registered.id), body: { capacity: 3 } });

  // ---- A grid worker files for a resident of their street ------------------------------------------
  const grid = await sign({ role: 'grid', sub: `grid-${randomUUID()}`, district: DISTRICT, street: '仙林街道' });
  const filedId = await submit(grid, mealApplication({ idNumber: person('19410720') }));
  await reaches(filedId, grid, 'AWAITING_APPROVAL');
  await call('GET', '/applications', 200, { token: grid });
  await call('GET', '/applications', 200, { token: mealFamily });
  await call('GET', '/applications?type=meal&status=AWAITING_APPROVAL', 200, { token: staff });

  // ---- Home visit: approved, accepted, a visit recorded, hours read back -----------------------------
  const hvFamily = await familyToken();
  const hvId = await submit(hvFamily, homeVisitApplication({ idNumber: person('19600315'), careLevel: 1, services: ['cleaning', 'companionship'] }));
  const hvWaiting = await reaches(hvId, hvFamily, 'AWAITING_APPROVAL');
  await call('POST', `/subsidies/${hvWaiting.subsidy.id}/approve`, 200, { token: staff, body: {} });
  const hvOffer = await reaches(hvId, hvFamily, 'OFFERED');
  const hvProvider = await providerToken(hvOffer.assignment.providerId);
  await call('POST', `/assignments/${hvOffer.assignment.id}/accept`, 200, { token: hvProvider });
  await reaches(hvId, hvFamily, 'ACTIVE');
  await acceptedHoursAgo(stack.store, hvOffer.assignment.id, 10);
  await call('POST', `/assignments/${hvOffer.assignment.id}/visits`, 201, {
    token: hvProvider,
    body: { startedAt: hoursFromNow(-3), endedAt: hoursFromNow(-2), services: ['cleaning'], location: { lat: 32.1051, lng: 118.9301 } },
  });
  for (const token of [hvProvider, staff, hvFamily]) await call('GET', `/assignments/${hvOffer.assignment.id}/visits`, 200, { token });
  await until(hvId, hvFamily, (a) => a.entitlement?.usedThisMonth === 1, 'to count the visit');

  // ---- Retrofit: one job at a time; planned, confirmed, failed then passed; the next household offered --
  await call('PUT', `/providers/${CONTRACTOR}/capacity`, 200, { token: staff, body: { concurrentJobs: 1 } });
  const contractor = await providerToken(CONTRACTOR);
  const approvedRetrofit = async (family: string, idNumber: string, want: string) => {
    const id = await submit(family, retrofitApplication(idNumber));
    const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
    await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, 200, { token: staff, body: {} });
    return reaches(id, family, want);
  };
  const jobFamily = await familyToken();
  const job = await approvedRetrofit(jobFamily, person('19400101'), 'OFFERED');
  if (job.assignment.providerId !== CONTRACTOR) throw new Error(`the retrofit went to ${job.assignment.providerId}, not ${CONTRACTOR}`);
  const nextFamily = await familyToken();
  const nextJob = await approvedRetrofit(nextFamily, person('19400202'), 'WAITLISTED');
  const jobId = job.assignment.id as string;
  await call('POST', `/assignments/${jobId}/accept`, 200, { token: contractor });
  await call('POST', `/assignments/${jobId}/plan`, 200, {
    token: contractor,
    body: { items: [{ code: 'grab-bar', quantity: 8, unitPrice: 168.5 }, { code: 'anti-slip-floor', quantity: 30, unitPrice: 75 }, { code: 'emergency-button', quantity: 2, unitPrice: 380.25 }] },
  });
  await call('POST', `/applications/${job.id}/plan/confirm`, 200, { token: jobFamily, body: {} });
  await call('POST', `/assignments/${jobId}/complete`, 200, { token: contractor, body: { note: '卫生间扶手已安装' } });
  await call('POST', `/applications/${job.id}/inspection`, 200, { token: staff, body: { passed: false, note: '扶手固定不牢' } });
  await call('POST', `/assignments/${jobId}/complete`, 200, { token: contractor, body: {} });
  await call('POST', `/applications/${job.id}/inspection`, 200, { token: staff, body: { passed: true } });
  await reaches(job.id, jobFamily, 'COMPLETED');
  await until(nextJob.id, nextFamily, (a) => a.status === 'OFFERED' && a.assignment.providerId === CONTRACTOR, 'to be offered the freed job slot');

  // ---- Childcare: places set, a stable round, one family takes its offer and the other leaves it -------
  await call('PUT', `/providers/${NURSERY_A}/capacity`, 200, { token: staff, body: { places: { infant: 1, toddler: 1, older: 1 } } });
  await call('PUT', `/providers/${NURSERY_B}/capacity`, 200, { token: staff, body: { places: { infant: 1, toddler: 2, older: 1 } } });
  await call('PUT', `/providers/${NURSERY_C}/capacity`, 200, { token: await providerToken(NURSERY_C), body: { places: { infant: 1, toddler: 0, older: 1 } } });
  const atA = (await stack.store.getProvider(NURSERY_A))?.location;
  if (!atA) throw new Error(`${NURSERY_A} is missing`);
  const month = nextMonth();
  const ours = await familyToken();
  const sibling = await familyToken();
  const mine = await submit(ours, childcareApplication({ idNumber: person(bornMonthsBefore(month, 14)), preferences: [NURSERY_C, NURSERY_A, NURSERY_B], location: atA }));
  await reaches(mine, ours, 'WAITLISTED');
  const theirs = await submit(
    sibling,
    childcareApplication({
      idNumber: person(bornMonthsBefore(month, 15)),
      preferences: [NURSERY_A, NURSERY_B],
      phone: '13700001111',
      name: '张子涵',
      needs: { siblingEnrolledAt: NURSERY_A },
      location: atA,
    }),
  );
  await reaches(theirs, sibling, 'WAITLISTED');
  // A child asking only for a class with no places: the round records why and the child waits on.
  const unplacedFamily = await familyToken();
  const unplaced = await submit(
    unplacedFamily,
    childcareApplication({ idNumber: person(bornMonthsBefore(month, 16)), preferences: [NURSERY_C], phone: '13600002222', name: '陈可欣', location: atA }),
  );
  await reaches(unplaced, unplacedFamily, 'WAITLISTED');
  const runRound = async (type: 'childcare' | 'meal' | 'home-visit' = 'childcare') => {
    const started = await call('POST', '/allocation-rounds', 202, { token: staff, body: { type } });
    return eventually(
      async () => {
        const r = await call('GET', `/allocation-rounds/${started.id}`, 200, { token: staff });
        return r.status === 'COMPLETED' ? r : undefined;
      },
      `round ${started.id} to complete`,
      45_000,
    );
  };
  const firstRound = await runRound();
  if (firstRound.stillWaiting !== 1) throw new Error(`the first round left ${firstRound.stillWaiting} children waiting, not 1`);
  await reaches(mine, ours, 'OFFERED');
  await reaches(theirs, sibling, 'OFFERED');
  await call('POST', `/applications/${mine}/offer/accept`, 200, { token: ours });
  await call('POST', `/applications/${theirs}/offer/decline`, 200, { token: sibling });
  await reaches(theirs, sibling, 'WAITLISTED');
  await runRound();
  await reaches(theirs, sibling, 'OFFERED');
  // The optimal rounds of meal places and home-visit hours, over a paper waitlist imported as the demo
  // data is (seed.ts): their offers are written by the same function, and must keep to its grants too.
  await seedWaitlist(stack.store, demoWaitlist(12));
  await seedWaitlist(stack.store, demoWaitlist(6, undefined, 60_114, 'home-visit'));
  for (const type of ['meal', 'home-visit'] as const) {
    const round = await runRound(type);
    if (!(round.offered > 0)) throw new Error(`the ${type} round offered nothing: ${JSON.stringify(round)}`);
  }
  await call('GET', '/allocation-rounds', 200, { token: staff });

  // ---- The report, then the month settled, approved and exported ---------------------------------------
  await call('GET', '/reports/supply-demand', 200, { token: staff });
  await stack.settle();
  const thisMonth = chinaDate().slice(0, 7);
  for (const type of ['meal', 'retrofit'] as const) {
    const created = await call('POST', '/settlements', 201, { token: staff, body: { type, month: thisMonth } });
    for (const statement of created.items as Json[]) {
      await call('POST', `/settlements/${statement.id}/approve`, 200, { token: staff, body: {} });
      await call('GET', `/settlements/${statement.id}`, 200, { token: staff });
      const file = await fetch(`${stack.url}/settlements/${statement.id}/export`, { headers: { authorization: `Bearer ${staff}` } });
      await file.arrayBuffer();
      calls.push({ fn: 'exportSettlement', route: 'GET /settlements/{id}/export', status: file.status, expected: 200 });
      if (file.status !== 200) throw new Error(`GET /settlements/${statement.id}/export answered ${file.status}`);
    }
  }
  await call('GET', '/settlements', 200, { token: staff });
  await stack.settle();
}
