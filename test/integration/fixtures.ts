import type { ApplicationRecord, ProviderRecord } from '@huimin/store';

export function providerRecord(over: Partial<ProviderRecord> & { id: string }): ProviderRecord {
  return {
    name: `助餐点 ${over.id}`,
    kind: 'meal',
    district: '320113',
    street: '仙林街道',
    location: { lat: 32.1082, lng: 118.9318 },
    capacity: 10,
    reserved: 0,
    diets: ['soft', 'low-salt', 'diabetic', 'halal'],
    createdAt: '2026-11-27T00:00:00.000Z',
    ...over,
    available: over.available ?? (over.capacity ?? 10) - (over.reserved ?? 0),
  };
}

export function applicationRecord(over: Partial<ApplicationRecord> & { id: string }): ApplicationRecord {
  return {
    type: 'meal',
    status: 'SUBMITTED',
    ownerSub: 'family-1',
    district: '320113',
    street: '仙林街道',
    createdAt: '2026-11-27T00:00:00.000Z',
    updatedAt: '2026-11-27T00:00:00.000Z',
    version: 1,
    correlationId: over.id,
    applicant: { name: '王芳', phone: '13912345678', relationship: 'child' },
    subject: {
      name: '王秀英',
      idNumber: '320113194403150426',
      birthDate: '1944-03-15',
      sex: 'female',
      address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } },
    },
    needs: { diets: [] },
    exclusions: [],
    history: [],
    ...over,
  };
}
