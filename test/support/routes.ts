import type { FastifyInstance } from 'fastify';

/**
 * The app's API routes as its own OpenAPI document lists them, so tests that must cover
 * every route (tenant isolation, hostile input) also cover routes added later.
 */
export interface ApiRoute {
  readonly method: string;
  /** OpenAPI form: /api/staff/{id}/unlock */
  readonly path: string;
  /** JSON schema of the request body, when the route takes one. */
  readonly bodySchema: JsonSchema | undefined;
}

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly minItems?: number;
  readonly format?: string;
  readonly additionalProperties?: boolean | JsonSchema;
}

interface OpenApiOperation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
}

export function apiRoutes(app: FastifyInstance): ApiRoute[] {
  const document = app.swagger() as { paths?: Record<string, Record<string, OpenApiOperation>> };
  return Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        bodySchema: operation.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

/** The path with each {param} replaced. */
export function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

/** A small body the schema accepts (required fields only), to get past validation. */
export function sampleOf(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return sampleOf(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      // Required fields, plus optional ones until minProperties is met.
      const required = schema.required ?? [];
      const optional = Object.keys(schema.properties ?? {}).filter((key) => !required.includes(key));
      const keys = [
        ...required,
        ...optional.slice(0, Math.max(0, (schema.minProperties ?? 0) - required.length)),
      ];
      return Object.fromEntries(keys.map((key) => [key, sampleOf(schema.properties?.[key] ?? {})]));
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items ?? {}));
    case 'string':
      return schema.format === 'email'
        ? 'someone@example.test'
        : 'a'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Dotted paths of every object in the schema that accepts fields it does not list. */
export function openObjects(schema: JsonSchema, at = 'body'): string[] {
  const own = schema.type === 'object' && schema.additionalProperties !== false ? [at] : [];
  const nested = [
    ...Object.entries(schema.properties ?? {}).map(([key, value]) => openObjects(value, `${at}.${key}`)),
    ...(schema.items ? [openObjects(schema.items, `${at}[]`)] : []),
    ...(schema.anyOf ?? []).map((option) => openObjects(option, at)),
  ];
  return [...own, ...nested.flat()];
}
