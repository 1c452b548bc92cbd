import { describe, expect, it } from 'vitest';
import { type StableChild, type StableInstance, solveStable } from './stable-round';

const CLASSES = ['infant', 'toddler', 'older'] as const;
const pool = (providerId: string, toddler: number) => ({ providerId, providerName: `托育园${providerId}`, places: { infant: 0, toddler, older: 0 } });
function kid(id: string, lottery: number, prefs: [string, number][], considered: (p: string) => boolean = () => true): StableChild {
  return {
    applicationId: id,
    capacityClass: 'toddler',
    lotteryKey: `family-${id}`,
    lottery,
    preferences: prefs.map(([providerId, points]) => ({
      providerId,
      providerName: `托育园${providerId}`,
      considered: considered(providerId),
      points,
      rules: points > 0 ? [{ rule: 'nearby', points, label: { zh: '近', en: 'near' } }] : [],
    })),
  };
}

describe('solveStable: deferred acceptance with every preference explained', () => {
  it('admits by points at each nursery, then lottery; explains each preference above the one offered', () => {
    const instance: StableInstance = {
      classes: CLASSES,
      pools: [pool('A', 1), pool('B', 1), pool('Z', 0)],
      children: [
        // x: 10 points at A beats y's 0 there; y is offered B, its third choice.
        kid('x', 0.9, [['A', 10]]),
        kid('y', 0.1, [['Z', 0], ['A', 0], ['B', 0], ['C', 0]], (p) => p !== 'C'),
        // w: same points as y at B but a worse lottery number: nothing left.
        kid('w', 0.5, [['B', 0]]),
      ],
    };

    const out = solveStable(instance);

    const [x, y, w] = out.entries;
    expect(out).toMatchObject({ placed: 2, rankSum: 1 + 3 });
    expect(x).toMatchObject({ offeredProviderId: 'A', rank: 1 });
    expect(y).toMatchObject({ offeredProviderId: 'B', rank: 3 });
    expect(y?.preferences.map((p) => p.outcome)).toEqual(['no-places', 'below-cutoff', 'offered', 'not-in-round']);
    expect(y?.preferences[1]?.cutoff).toEqual({ points: 10, lottery: 0.9 });
    expect(w).not.toHaveProperty('offeredProviderId');
    expect(w?.preferences).toEqual([expect.objectContaining({ outcome: 'below-cutoff', cutoff: { points: 0, lottery: 0.1 } })]);
    expect(out.pools.find((p) => p.providerId === 'B')?.classes.toddler).toEqual({ places: 1, admitted: 1, cutoff: { points: 0, lottery: 0.1 } });
    expect(out.pools.find((p) => p.providerId === 'Z')?.classes.toddler).toEqual({ places: 0, admitted: 0, cutoff: null });
  });

  it('leaves the cutoff empty where places were left, and marks preferences below the offer as lower choices', () => {
    const out = solveStable({ classes: CLASSES, pools: [pool('A', 3), pool('B', 3)], children: [kid('a', 0.3, [['A', 0], ['B', 0]])] });

    expect(out.entries[0]?.preferences.map((p) => p.outcome)).toEqual(['offered', 'lower-choice']);
    expect(out.pools[0]?.classes.toddler).toEqual({ places: 3, admitted: 1, cutoff: null });
  });
});
