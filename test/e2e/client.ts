/** A small HTTP client for the local API, as a web form or console would call it. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export function apiClient(baseUrl: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };
}

/** CONTRACT.md's minimal meal application: an 82-year-old woman in Xianlin Street. */
export function mealApplication(over: { idNumber?: string; district?: string; street?: string; lat?: number; lng?: number; needs?: unknown } = {}) {
  return {
    type: 'meal',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: {
      name: '王秀英',
      idNumber: over.idNumber ?? '320113194403150426',
      address: {
        district: over.district ?? '320113',
        street: over.street ?? '仙林街道',
        location: { lat: over.lat ?? 32.105, lng: over.lng ?? 118.93 },
      },
    },
    ...(over.needs ? { needs: over.needs } : {}),
  };
}

/** A home-visit application (CONTRACT.md "Additions, v2"): by default the same 82-year-old woman, care level 2, cleaning. */
export function homeVisitApplication(
  over: { idNumber?: string; name?: string; district?: string; street?: string; lat?: number; lng?: number; services?: string[]; careLevel?: number } = {},
) {
  return {
    type: 'home-visit',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: {
      name: over.name ?? '王秀英',
      idNumber: over.idNumber ?? '320113194403150426',
      address: {
        district: over.district ?? '320113',
        street: over.street ?? '仙林街道',
        location: { lat: over.lat ?? 32.105, lng: over.lng ?? 118.93 },
      },
    },
    needs: { services: over.services ?? ['cleaning'], careLevel: over.careLevel ?? 2 },
  };
}
