// Offline checks of rendered Kubernetes manifests: types against the schemas shipped with
// kubernetes-models / @kubernetes-models/keda, field names nobody declares (a typo that the API server
// would drop or, with server-side apply, reject), and duplicate env names (Helm 4 rejects them).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

// The packages export their modules to `import` only; their files are read and imported by path.
const MODELS = fileURLToPath(new URL("../node_modules/kubernetes-models/", import.meta.url));
const KEDA = fileURLToPath(new URL("../node_modules/@kubernetes-models/keda/", import.meta.url));

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** Splits `helm template` output into objects (empty documents dropped). */
export function parseManifests(text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`YAML error: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Manifest | null;
    if (value) out.push(value);
  }
  return out;
}

type SchemaValidate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null };

/** The model module of an apiVersion/kind, e.g. kubernetes-models/apps/v1/Deployment. */
function modelModule(apiVersion: string, kind: string): string | null {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const file = group!.endsWith("keda.sh") ? `${KEDA}${group}/${version}/${kind}.js` : `${MODELS}${group ? `${group}/` : ""}${version}/${kind}.js`;
  return existsSync(file) ? file : null;
}

const validators = new Map<string, Promise<SchemaValidate | null>>();

/** The schema validator the model class of this kind uses (null for kinds the packages do not know). */
export function schemaValidator(apiVersion: string, kind: string): Promise<SchemaValidate | null> {
  const key = `${apiVersion}/${kind}`;
  let found = validators.get(key);
  if (!found) {
    found = (async () => {
      const file = modelModule(apiVersion, kind);
      if (!file) return null;
      const schemaImport = /from\s*"(\.\.?\/[^"]*_schemas\/[^"]+\.js)"/.exec(readFileSync(file, "utf8"));
      if (!schemaImport) return null;
      const mod = (await import(new URL(schemaImport[1]!, `file://${file}`).href)) as { validate: SchemaValidate };
      return mod.validate;
    })();
    validators.set(key, found);
  }
  return found;
}

export interface ValidationProblem {
  object: string;
  path: string;
  problem: string;
}

/**
 * Validates one object. Type errors come from the schema; unknown fields are found by watching which
 * properties the schema's validator reads: it reads every declared property by name and enumerates
 * maps (labels, annotations, free-form metadata), so an own key of an object that it read from but
 * never asked about is a field the schema does not declare.
 */
export async function validateManifest(m: Manifest): Promise<ValidationProblem[]> {
  const name = `${m.kind}/${m.metadata?.name ?? "?"}`;
  const validate = await schemaValidator(m.apiVersion, m.kind);
  if (!validate) return [{ object: name, path: "", problem: `no schema for ${m.apiVersion} ${m.kind}` }];

  const seen = new Map<object, { read: Set<string>; enumerated: boolean; path: string }>();
  const wrap = (value: unknown, path: string): unknown => {
    if (!value || typeof value !== "object") return value;
    const record = { read: new Set<string>(), enumerated: false, path };
    seen.set(value, record);
    const children = new Map<string, unknown>();
    return new Proxy(value, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop !== "string") return v;
        record.read.add(prop);
        if (v && typeof v === "object") {
          if (!children.has(prop)) children.set(prop, wrap(v, `${path}/${prop}`));
          return children.get(prop);
        }
        return v;
      },
      has(target, prop) {
        if (typeof prop === "string") record.read.add(prop);
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor(target, prop) {
        record.enumerated = true;
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
    });
  };

  const problems: ValidationProblem[] = [];
  const ok = validate(wrap(structuredClone(m), ""));
  if (!ok) {
    for (const e of validate.errors ?? []) problems.push({ object: name, path: e.instancePath, problem: `${e.keyword}: ${e.message ?? JSON.stringify(e.params)}` });
  }
  for (const [obj, record] of seen) {
    // Arrays are walked by index; free-form objects (never read by name) are not checked.
    if (Array.isArray(obj) || record.enumerated || record.read.size === 0) continue;
    for (const key of Object.keys(obj)) {
      if (!record.read.has(key)) problems.push({ object: name, path: `${record.path}/${key}`, problem: "unknown field" });
    }
  }
  return problems;
}

interface EnvVar {
  name: string;
}

/** Env names listed twice in one container (Helm 4's server-side apply rejects them). */
export function duplicateEnvNames(manifests: Manifest[]): string[] {
  const found: string[] = [];
  for (const m of manifests) {
    const spec = m.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
    const pod = spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const names = (c.env ?? []).map((e) => e.name);
      for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) found.push(`${m.kind}/${m.metadata.name} container ${c.name}: ${dup}`);
    }
  }
  return found;
}

interface PodSpec {
  containers?: { name: string; env?: EnvVar[] }[];
  initContainers?: { name: string; env?: EnvVar[] }[];
}
