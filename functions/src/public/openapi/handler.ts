import { publicHandler } from '../../lib/http';
import { buildOpenApiDocument } from './document';
import * as schema from './schema';

// Built once per cold start: the document only changes with a deployment.
const document = buildOpenApiDocument();

export const handler = publicHandler(schema, async () => ({ status: 200, body: document }));
