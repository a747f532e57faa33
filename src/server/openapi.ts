import { z } from 'zod';
import { toolJsonSchemas } from '../agent/tools.ts';
import type { ApiCatalogue, RouteDoc } from './api.ts';

type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema of what a client sends (OpenAPI 3.1 uses JSON Schema 2020-12). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  const json = inputSchema(schema);
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function operation(route: RouteDoc): Record<string, unknown> {
  const error = { description: 'Bad input; the message names what was wrong', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(route.body) } } } } : {}),
    responses: {
      '200': { description: 'OK', content: { [route.produces ?? 'application/json']: {} } },
      '400': error,
    },
  };
}

/**
 * The OpenAPI 3.1 document of the routes in `catalogue`, generated from the
 * zod schemas they validate with, plus the assistant's tools' argument schemas.
 */
export function openApiDocument(catalogue: ApiCatalogue, info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of catalogue.routes) {
    (paths[route.path] ??= {})[route.method] = operation(route);
  }
  const schemas: Record<string, unknown> = {
    Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
  };
  for (const tool of toolJsonSchemas()) {
    schemas[`tool.${tool.name}`] = { ...tool.parameters, description: tool.description, 'x-changes-route': tool.changesRoute };
  }
  return { openapi: '3.1.0', info, paths, components: { schemas } };
}
