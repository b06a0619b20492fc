// The readable API reference (staff UI) as plain data, built from the OpenAPI document: the page
// shows exactly what the document says, so it cannot fall out of date.
import { openApiDocument } from "./openapi.ts";

export interface ReferenceField {
  name: string;
  type: string;
  required: boolean;
  description: string | null;
}

export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string | null;
  parameters: (ReferenceField & { in: string })[];
  body: ReferenceField[];
  responses: { status: string; description: string }[];
}

type Schema = { $ref?: string; type?: string | string[]; format?: string; enum?: unknown[]; items?: Schema; properties?: Record<string, Schema>; required?: string[]; description?: string; anyOf?: Schema[]; oneOf?: Schema[] };

export function apiReference(): ReferenceOperation[] {
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, Schema> } };
  const resolve = (s: Schema | undefined): Schema => {
    let out = s ?? {};
    for (let i = 0; out.$ref && i < 10; i++) out = doc.components?.schemas?.[out.$ref.split("/").pop()!] ?? {};
    return out;
  };
  const typeOf = (raw: Schema): string => {
    const s = resolve(raw);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return alternatives.map(typeOf).join(" | ");
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
    const type = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "object");
    if (type === "array") return `${typeOf(s.items ?? {})}[]`;
    return s.format ? `${type} (${s.format})` : type;
  };
  const fields = (raw: Schema | undefined, prefix = ""): ReferenceField[] => {
    const s = resolve(raw);
    return Object.entries(s.properties ?? {}).flatMap(([name, child]) => {
      const c = resolve(child);
      const field = { name: `${prefix}${name}`, type: typeOf(child), required: (s.required ?? []).includes(name), description: c.description ?? child.description ?? null };
      return c.properties ? [field, ...fields(c, `${prefix}${name}.`)] : [field];
    });
  };
  const ops: ReferenceOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as { operationId: string; summary?: string; description?: string; parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { description: string }> };
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path: `/api/v1${path}`,
        summary: op.summary ?? "",
        description: op.description ?? null,
        parameters: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, type: typeOf(p.schema ?? {}), required: Boolean(p.required), description: p.description ?? resolve(p.schema).description ?? null })),
        body: fields(op.requestBody?.content["application/json"]?.schema),
        responses: Object.entries(op.responses).map(([status, r]) => ({ status, description: r.description })),
      });
    }
  }
  return ops;
}
