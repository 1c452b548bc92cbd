import { publicHandler } from '../../lib/http';

export const handler = publicHandler(async () => ({ status: 200, body: { status: 'ok' } }));
