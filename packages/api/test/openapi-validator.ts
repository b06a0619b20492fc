// Validates a response against the OpenAPI document the API serves: the schema of exactly that
// path, method, status and content type (an undocumented status or type fails the test).
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openApiDocument } from "../src/index.ts";

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components?: { schemas?: Record<string, object> } };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export function responseValidator() {
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const cache = new Map<string, ReturnType<Ajv2020["compile"]>>();
  return (template: string, method: string, status: number, contentType: string, body: unknown): void => {
    const key = `${method} ${template} ${status} ${contentType}`;
    let validate = cache.get(key);
    if (!validate) {
      const op = doc.paths[template]?.[method.toLowerCase()];
      if (!op) throw new Error(`${method} ${template} is not in the OpenAPI document`);
      const response = op.responses[String(status)];
      if (!response) throw new Error(`${key}: status ${status} is not documented`);
      const type = contentType.split(";")[0]!.trim();
      const media = response.content?.[type];
      if (!media) throw new Error(`${key}: content type ${type} is not documented`);
      validate = ajv.compile({ ...media.schema, components: doc.components });
      cache.set(key, validate);
    }
    if (!validate(body)) throw new Error(`${key}: response does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
}
