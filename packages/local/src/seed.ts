import type { ApplicationType } from '@huimin/domain';
import { DEMO_DISTRICT, DIETS, type Diet, QIXIA_STREETS } from '@huimin/domain';
import { type ProviderRecord, Providers, type Store } from '@huimin/store';

/**
 * Demo data for Qixia District, Nanjing: meal points in every street (more in the populous ones),
 * and a few home-visit organisations, retrofit contractors and nurseries. Positions are jittered
 * around street centroids with a fixed seed, so every run has the same data.
 */
export const EXAMPLE_LOCATION = { lat: 32.105, lng: 118.93 };
/** The meal point nearest the CONTRACT.md example resident; the demo provider token acts for it. */
export const DEMO_PROVIDER_ID = 'meal-320113-xianlin-01';

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORDINALS = ['一', '二', '三', '四', '五', '六'];
/** How many meal points each street has: more where more older people live. */
const MEAL_POINTS_PER_STREET: Record<string, number> = { 仙林街道: 5, 马群街道: 3, 尧化街道: 3, 迈皋桥街道: 4, 燕子矶街道: 3, 栖霞街道: 2, 龙潭街道: 2, 八卦洲街道: 1, 西岗街道: 2 };

export function demoProviders(now = new Date()): ProviderRecord[] {
  const rand = mulberry32(20261127);
  const createdAt = now.toISOString();
  const out: ProviderRecord[] = [];
  const jitter = (centre: number, km: number) => centre + (rand() - 0.5) * 2 * (km / 111);
  const pickDiets = (): Diet[] => DIETS.filter(() => rand() < 0.5);
  for (const street of QIXIA_STREETS) {
    const n = MEAL_POINTS_PER_STREET[street.name] ?? 2;
    for (let i = 0; i < n; i++) {
      const slug = street.nameEn.toLowerCase();
      const id = `meal-${DEMO_DISTRICT}-${slug}-${String(i + 1).padStart(2, '0')}`;
      // The first two Xianlin points sit within 1 km of the example resident (CONTRACT.md).
      const fixed =
        id === DEMO_PROVIDER_ID
          ? { lat: 32.1082, lng: 118.9318, diets: [...DIETS] }
          : id === `meal-${DEMO_DISTRICT}-xianlin-02`
            ? { lat: 32.1004, lng: 118.9331, diets: ['soft', 'low-salt', 'diabetic'] as Diet[] }
            : undefined;
      out.push({
        id,
        name: `${street.name}第${ORDINALS[i] ?? i + 1}社区助餐点`,
        kind: 'meal',
        district: DEMO_DISTRICT,
        street: street.name,
        location: fixed ? { lat: fixed.lat, lng: fixed.lng } : { lat: Number(jitter(street.lat, 1.2).toFixed(5)), lng: Number(jitter(street.lng, 1.2).toFixed(5)) },
        capacity: 20 + Math.floor(rand() * 5) * 10,
        reserved: 0,
        diets: fixed?.diets ?? pickDiets(),
        createdAt,
      });
    }
  }
  const others: [ApplicationType, string, string][] = [
    ['home-visit', '仙林街道', '栖霞区颐康居家养老服务中心'],
    ['home-visit', '迈皋桥街道', '迈皋桥街道惠民上门护理站'],
    ['home-visit', '尧化街道', '尧化街道邻里居家服务社'],
    ['retrofit', '马群街道', '南京安居适老化改造工程有限公司'],
    ['retrofit', '燕子矶街道', '燕子矶无障碍家居改造服务部'],
    ['childcare', '仙林街道', '仙林街道普惠托育中心'],
    ['childcare', '马群街道', '马群社区嵌入式托育点'],
    ['childcare', '迈皋桥街道', '迈皋桥街道小苗苗托育园'],
    ['childcare', '龙潭街道', '龙潭街道普惠托育中心'],
  ];
  others.forEach(([kind, streetName, name], i) => {
    const street = QIXIA_STREETS.find((s) => s.name === streetName) ?? QIXIA_STREETS[0]!;
    out.push({
      id: `${kind}-${DEMO_DISTRICT}-${String(i + 1).padStart(2, '0')}`,
      name,
      kind,
      district: DEMO_DISTRICT,
      street: street.name,
      location: { lat: Number(jitter(street.lat, 1).toFixed(5)), lng: Number(jitter(street.lng, 1).toFixed(5)) },
      capacity: kind === 'childcare' ? 40 + Math.floor(rand() * 4) * 20 : 30,
      reserved: 0,
      diets: [],
      createdAt,
    });
  });
  return out;
}

/** Writes the demo providers (skipping ones that exist, so a persisted run keeps its counts). */
export async function seedProviders(store: Store, providers = demoProviders()): Promise<number> {
  let written = 0;
  for (let i = 0; i < providers.length; i += 25) {
    const batch = providers.slice(i, i + 25);
    await Promise.all(
      batch.map(async (p) => {
        try {
          await store.commit([store.create('provider', Providers, p)]);
          written++;
        } catch (err) {
          if ((err as Error).name !== 'TransactionConflictError') throw err;
        }
      }),
    );
  }
  return written;
}
