import { publicHandler } from '../../lib/http';
import * as schema from './schema';

export const handler = publicHandler(schema, async () => ({ status: 200, body: { status: 'ok' as const } }));
