import { z } from 'zod';

/**
 * JSON Schema (draft 2020-12) for what we publish: the OpenAPI document and the event catalogue.
 * zod's output mode closes every object (additionalProperties: false) because parsing strips
 * unknown keys. Published, that would make adding an optional field break every client that
 * validates with the old schema, and our contracts change only by adding; so objects stay open.
 * Objects declared strict keep their `false`.
 */
export function publishedJsonSchema(schema: z.ZodType, io: 'input' | 'output'): z.core.JSONSchema.JSONSchema {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'object' && (zodSchema._zod.def as { catchall?: unknown }).catchall === undefined) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
}
