import { publicHandler } from '../../lib/http';
import { buildOpenApiDocument } from './document';

// Built once per cold start: the document only changes with a deployment.
const document = buildOpenApiDocument();

export const handler = publicHandler(async () => ({ status: 200, body: document }));
