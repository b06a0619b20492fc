import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHART, ROOT, duplicateEnvNames, helm, metricNames, parseManifests, readDockerfile, renderChart, targetCommand, targetInstructions, validateManifest, type Manifest } from "../src/index.ts";

const kinds = (ms: Manifest[]) => ms.map((m) => m.kind).sort();
const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const PROD = ["-f", `${CHART}/ci/production-values.yaml`];

describe("helm chart", () => {
  it("passes helm lint --strict with default, production-like and dev values", () => {
    for (const values of [[], PROD, ["-f", `${CHART}/values-dev.yaml`]]) {
      expect(helm(["lint", "--strict", CHART, ...values])).toContain("0 chart(s) failed");
    }
  });

  it("values.schema.json rejects bad values", () => {
    expect(() => renderChart(["--set", "worker.keda.enabled=true"])).toThrow(/redisAddress/);
    expect(() => renderChart(["--set", "web.replicaCount=zero"])).toThrow(/replicaCount/);
    expect(() => renderChart(["--set", "ingress.bodySize=20m"])).toThrow(/bodySize/);
  });

  it("renders the default values: HPA fallback for the worker, monitoring objects, migrations hook", () => {
    const ms = parseManifests(renderChart());
    const k = kinds(ms);
    for (const kind of ["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "ConfigMap", "Secret", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"]) expect(k).toContain(kind);
    expect(k).not.toContain("ScaledObject");
    expect(byKind(ms, "Deployment").map((d) => d.metadata.name).sort()).toEqual(["rm-reputation-manager-relay", "rm-reputation-manager-web", "rm-reputation-manager-worker"]);
    expect(byKind(ms, "HorizontalPodAutoscaler").map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(["rm-reputation-manager-web", "rm-reputation-manager-worker"]);
  });

  it("passes the platform's senders and WhatsApp templates to every process as environment (ConfigMap)", () => {
    const sid = "HX" + "1".repeat(32);
    const ms = parseManifests(renderChart(["--set", "config.twilioFromWhatsapp=whatsapp:+593990000000", "--set", `config.whatsappDefaultContentSids.es.INITIAL=${sid}`]));
    const cm = byKind(ms, "ConfigMap").find((m) => (m as { data?: Record<string, string> }).data?.PUBLIC_URL !== undefined) as unknown as { data: Record<string, string> };
    expect(cm.data.TWILIO_FROM_WHATSAPP).toBe("whatsapp:+593990000000");
    expect(JSON.parse(cm.data.WHATSAPP_DEFAULT_CONTENT_SIDS!)).toEqual({ es: { INITIAL: sid } });
    expect(() => renderChart(["--set", "config.whatsappDefaultContentSids.es.INITIAL=HX12"])).toThrow(/whatsappDefaultContentSids/);
    // Unset: no variable at all (the processes then use only workspaces' own templates).
    const plain = byKind(parseManifests(renderChart()), "ConfigMap").map((m) => (m as { data?: Record<string, string> }).data ?? {});
    expect(plain.some((d) => "WHATSAPP_DEFAULT_CONTENT_SIDS" in d)).toBe(false);
  });

  it("passes the credentials key ring as a Secret and its current key id and token grace as ConfigMap (own Twilio accounts)", () => {
    const ring = `k1:${"A".repeat(43)}=`;
    const ms = parseManifests(renderChart(["--set", `secrets.credentialsEncryptionKeys=${ring}`, "--set", "config.credentialsEncryptionKeyId=k1"]));
    const cm = byKind(ms, "ConfigMap").find((m) => (m as { data?: Record<string, string> }).data?.PUBLIC_URL !== undefined) as unknown as { data: Record<string, string> };
    expect(cm.data.CREDENTIALS_ENCRYPTION_KEY_ID).toBe("k1");
    expect(cm.data.OWN_SENDER_TOKEN_GRACE_HOURS).toBe("24");
    expect(JSON.stringify(cm.data)).not.toContain(ring);
    const secret = byKind(ms, "Secret")[0] as unknown as { stringData: Record<string, string> };
    expect(secret.stringData.CREDENTIALS_ENCRYPTION_KEYS).toBe(ring);
    expect(() => renderChart(["--set", "config.credentialsEncryptionKeyId=no spaces"])).toThrow(/credentialsEncryptionKeyId/);
  });

  it("has the simulator approve the platform's templates and simulator.approvedContentSids, nothing else", () => {
    const sid = "HX" + "1".repeat(32);
    const own = "HX" + "2".repeat(32);
    const simulatorEnv = (args: string[]) => {
      const sim = byKind(parseManifests(renderChart(["--set", "simulator.enabled=true", ...args])), "Deployment").find((d) => d.metadata.name.endsWith("-simulator"))!;
      const env = (sim.spec as { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    const env = simulatorEnv(["--set", `config.whatsappDefaultContentSids.es.INITIAL=${sid}`, "--set", `simulator.approvedContentSids={${own}}`]);
    expect(JSON.parse(env.WHATSAPP_DEFAULT_CONTENT_SIDS!)).toEqual({ es: { INITIAL: sid } });
    expect(env.SIMULATOR_APPROVED_CONTENT_SIDS).toBe(own);
    expect(simulatorEnv([])).not.toHaveProperty("SIMULATOR_APPROVED_CONTENT_SIDS");
    expect(() => renderChart(["--set", "simulator.approvedContentSids={HX12}"])).toThrow(/approvedContentSids/);
  });

  it("renders production-like values: KEDA ScaledObject instead of the worker HPA, never both", () => {
    const ms = parseManifests(renderChart(PROD));
    const scaled = byKind(ms, "ScaledObject");
    expect(scaled).toHaveLength(1);
    const spec = scaled[0]!.spec as { minReplicaCount: number; triggers: { type: string; metadata: Record<string, string> }[]; scaleTargetRef: { name: string } };
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec.scaleTargetRef.name).toBe("rm-reputation-manager-worker");
    // 5 kinds (webhook deliveries scale the workers too) × 2 partitions × (lag + pending)
    expect(spec.triggers).toHaveLength(20);
    expect(spec.triggers.every((t) => t.type === "redis-streams" && t.metadata.consumerGroup === "workers")).toBe(true);
    expect(spec.triggers.map((t) => t.metadata.stream)).toContain("rm:stream:dispatch:{1}");
    expect(spec.triggers.map((t) => t.metadata.stream)).toContain("rm:stream:webhooks:{1}");
    expect(spec.triggers.some((t) => t.metadata.lagCount) && spec.triggers.some((t) => t.metadata.pendingEntriesCount)).toBe(true);
    const hpas = byKind(ms, "HorizontalPodAutoscaler").map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name);
    expect(hpas).toEqual(["rm-reputation-manager-web"]);
    // existingSecret: no chart-managed Secret, and the hook Job reads the existing one
    expect(byKind(ms, "Secret")).toHaveLength(0);
    expect(JSON.stringify(byKind(ms, "Job")[0])).toContain("reputation-manager-prod");
    // KEDA minimum is never below 1, even when asked
    const zero = parseManifests(renderChart([...PROD, "--set", "worker.keda.minReplicas=1"]));
    expect((byKind(zero, "ScaledObject")[0]!.spec as { minReplicaCount: number }).minReplicaCount).toBe(1);
  });

  it("every metric the code defines is on the Grafana dashboard, or listed here as left off on purpose", () => {
    // Left off the dashboard on purpose, with the reason (none today).
    const OFF_DASHBOARD: Record<string, string> = {};
    const dashboard = readFileSync(`${CHART}/files/dashboard.json`, "utf8");
    const sources = [...sourceFiles(`${ROOT}packages`), ...sourceFiles(`${ROOT}apps`)];
    const defined = new Set<string>();
    for (const file of sources) {
      for (const m of readFileSync(file, "utf8").matchAll(/create(?:Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\(\s*"(rm\.[a-z0-9._]+)"/g)) defined.add(m[1]!);
    }
    expect(defined.size).toBeGreaterThan(20);
    const missing = [...defined].filter((name) => !(name in OFF_DASHBOARD) && !new RegExp(`\\b${name.replace(/\./g, "_")}(_total|_bucket|_count|_sum)?\\b`).test(dashboard));
    expect(missing).toEqual([]);
    // The list names only metrics that exist.
    expect(Object.keys(OFF_DASHBOARD).filter((name) => !defined.has(name))).toEqual([]);
  });

  it("every key of values.schema.json says what it is for (a description for operators)", () => {
    const schema = JSON.parse(readFileSync(`${CHART}/values.schema.json`, "utf8")) as SchemaNode;
    const missing: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      if (path && typeof node.description !== "string") missing.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${key}`);
      if (node.items && typeof node.items === "object") walk(node.items, `${path}[]`);
      if (node.additionalProperties && typeof node.additionalProperties === "object") walk(node.additionalProperties, `${path}{}`);
    };
    walk(schema, "");
    expect(missing).toEqual([]);
  });

  it("Stripe price ids and sender rates are values of their own, rendered as STRIPE_PRICE_* and SENDER_RATES", () => {
    const config = (args: string[]) => (byKind(parseManifests(renderChart(args)), "ConfigMap")[0] as unknown as { data: Record<string, string> }).data;
    const set = config(["--set", "config.stripePrices.starter=price_123", "--set", "config.stripePrices.enterprise=price_789", "--set", "config.senderRates.whatsapp=80", "--set", "config.senderRates.tollFree=3"]);
    expect(set).toMatchObject({ STRIPE_PRICE_STARTER: "price_123", STRIPE_PRICE_ENTERPRISE: "price_789", SENDER_RATES: "tollFree=3,whatsapp=80" });
    expect(set).not.toHaveProperty("STRIPE_PRICE_PROFESSIONAL");
    const defaults = config([]);
    expect(defaults).not.toHaveProperty("SENDER_RATES");
    expect(defaults).not.toHaveProperty("STRIPE_PRICE_STARTER");
    expect(() => renderChart(["--set", "config.stripePrices.starter=prod_1"])).toThrow(/starter/);
    expect(() => renderChart(["--set", "config.senderRates.whatsapp=0"])).toThrow(/whatsapp/);
  });

  it("on a Redis Cluster: REDIS_CLUSTER for every process and one redis-cluster-streams trigger per stream partition with the nodes as addresses", () => {
    const nodes = "redis-0.redis:6379,redis-1.redis:6379,redis-2.redis:6379";
    const ms = parseManifests(renderChart([...PROD, "--set", "config.redisCluster=true", "--set", "config.streamPartitions=6", "--set", `worker.keda.redisAddress=${nodes.replace(/,/g, "\\,")}`]));
    expect(JSON.stringify(byKind(ms, "ConfigMap"))).toContain('"REDIS_CLUSTER":"true"');
    const triggers = (byKind(ms, "ScaledObject")[0]!.spec as { triggers: { type: string; metadata: Record<string, string> }[] }).triggers;
    // 5 kinds × 6 partitions × (lag + pending)
    expect(triggers).toHaveLength(60);
    expect(triggers.every((t) => t.type === "redis-cluster-streams" && t.metadata.addresses === nodes && !("address" in t.metadata))).toBe(true);
    expect(triggers.map((t) => t.metadata.stream)).toContain("rm:stream:dispatch:{5}");
    expect(JSON.stringify(byKind(parseManifests(renderChart()), "ConfigMap"))).toContain('"REDIS_CLUSTER":"false"');
  });

  it("hands the worker its status applier's settings (worker.statusApply), which worker.env may override", () => {
    const envOf = (ms: Manifest[]) => {
      const worker = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-worker")!;
      const env = (worker.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    expect(envOf(parseManifests(renderChart()))).toMatchObject({ STATUS_APPLY_BATCH_SIZE: "1000", STATUS_APPLY_POLL_MS: "1000", STATUS_UNKNOWN_RETRY_MINUTES: "10" });
    const custom = envOf(parseManifests(renderChart(["--set", "worker.statusApply.batchSize=250", "--set", "worker.env.STATUS_APPLY_POLL_MS=200"])));
    expect(custom).toMatchObject({ STATUS_APPLY_BATCH_SIZE: "250", STATUS_APPLY_POLL_MS: "200", STATUS_UNKNOWN_RETRY_MINUTES: "10" });
    expect(() => renderChart(["--set", "worker.statusApply.batchSize=0"])).toThrow(/batchSize/);
  });

  it("hands the web its trusted proxies (web.trustedProxies) and body limit (web.requestBodyLimitBytes)", () => {
    const envOf = (ms: Manifest[]) => {
      const web = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-web")!;
      const env = (web.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    expect(envOf(parseManifests(renderChart()))).toMatchObject({ TRUSTED_PROXIES: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7", REQUEST_BODY_LIMIT_BYTES: "65536", CONFIRM_IN_BACKGROUND_ROWS: "5000" });
    const custom = envOf(parseManifests(renderChart(["--set-json", 'web.trustedProxies=["10.42.0.0/16"]', "--set", "web.requestBodyLimitBytes=32768"])));
    expect(custom).toMatchObject({ TRUSTED_PROXIES: "10.42.0.0/16", REQUEST_BODY_LIMIT_BYTES: "32768" });
    expect(() => renderChart(["--set-json", 'web.trustedProxies=["ingress"]'])).toThrow(/trustedProxies/);
    expect(() => renderChart(["--set", "web.requestBodyLimitBytes=10"])).toThrow(/requestBodyLimitBytes/);
  });

  it("hands the web its sign-up code settings (web.signup.*)", () => {
    const envOf = (ms: Manifest[]) => {
      const web = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-web")!;
      const env = (web.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    expect(envOf(parseManifests(renderChart()))).toMatchObject({
      SIGNUP_CODE_TTL_MINUTES: "10",
      SIGNUP_CODE_MAX_ATTEMPTS: "5",
      SIGNUP_CODES_PER_PHONE_PER_DAY: "3",
      SIGNUP_CODES_PER_PREFIX_PER_HOUR: "10",
      SIGNUP_PREFIX_DIGITS: "4",
      SIGNUP_CODES_PER_IP_PER_HOUR: "5",
    });
    expect(envOf(parseManifests(renderChart(["--set", "web.signup.codesPerIpPerHour=2", "--set", "web.signup.prefixDigits=3"])))).toMatchObject({ SIGNUP_CODES_PER_IP_PER_HOUR: "2", SIGNUP_PREFIX_DIGITS: "3" });
    expect(() => renderChart(["--set", "web.signup.codeTtlMinutes=0"])).toThrow(/codeTtlMinutes/);
  });

  it("hands the web its AI drafts endpoint (web.ai) and the key from the Secret (secrets.aiApiKey), never the ConfigMap", () => {
    const ms = parseManifests(renderChart(["--set", "web.ai.baseUrl=http://ollama:11434/v1", "--set", "web.ai.model=llama3.2", "--set", "secrets.aiApiKey=sk-chart-test"]));
    const web = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-web")!;
    const env = Object.fromEntries(((web.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ AI_BASE_URL: "http://ollama:11434/v1", AI_MODEL: "llama3.2", AI_TIMEOUT_MS: "30000" });
    const secret = byKind(ms, "Secret")[0] as unknown as { stringData: Record<string, string> };
    expect(secret.stringData.AI_API_KEY).toBe("sk-chart-test");
    expect(JSON.stringify(byKind(ms, "ConfigMap"))).not.toContain("sk-chart-test");
    // Off by default; the dev values use the simulator's fake.
    expect(JSON.stringify(parseManifests(renderChart()))).toContain('"name":"AI_BASE_URL","value":""');
    expect(() => renderChart(["--set", "web.ai.baseUrl=ollama:11434"])).toThrow(/baseUrl/);
    expect(() => renderChart(["--set", "web.ai.timeoutMs=10"])).toThrow(/timeoutMs/);
    // The simulator (dev) serves the fake endpoint with the latency asked for.
    const dev = parseManifests(renderChart(["-f", `${CHART}/values-dev.yaml`]));
    const envOfDeployment = (name: string) => Object.fromEntries(((byKind(dev, "Deployment").find((d) => d.metadata.name === name)!.spec as { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(envOfDeployment("rm-reputation-manager-simulator")).toMatchObject({ SIMULATOR_AI_LATENCY_MS: "800" });
    expect(envOfDeployment("rm-reputation-manager-web")).toMatchObject({ AI_BASE_URL: "http://rm-reputation-manager-simulator:4010/v1" });
  });

  it("hands web and worker the webhook connection overrides, the simulator an inbound URL carrying them, and the worker its inbound reconciliation", () => {
    const ms = parseManifests(renderChart());
    const cm = byKind(ms, "ConfigMap")[0]!;
    expect((cm as unknown as { data: Record<string, string> }).data.TWILIO_WEBHOOK_OVERRIDES).toBe("ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx");
    const worker = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-worker")!;
    const env = (worker.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).toMatchObject({ INBOUND_RECONCILE_OVERLAP_MINUTES: "360", INBOUND_RECONCILE_MAX_HOURS: "72", INBOUND_RECONCILE_INTERVAL_SECONDS: "300", DELIVERY_RECONCILE_INTERVAL_SECONDS: "300", DELIVERY_RECONCILE_MIN_AGE_SECONDS: "900" });
    const sim = parseManifests(renderChart(["--set", "simulator.enabled=true"])).filter((m) => m.kind === "Deployment").find((d) => d.metadata.name.endsWith("simulator"));
    const simEnv = (sim!.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
    expect(simEnv.find((e) => e.name === "SIMULATOR_INBOUND_URL")!.value).toMatch(/\/webhooks\/twilio\/inbound#ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx$/);
    expect(() => renderChart(["--set", "config.twilioWebhookOverrides=retries"])).toThrow(/twilioWebhookOverrides/);
    expect(() => renderChart(["--set", "worker.inboundReconcile.overlapMinutes=0"])).toThrow(/overlapMinutes/);
  });

  it("hands the worker its send-retry window and backoff (worker.sendRetry), which worker.env may override", () => {
    const envOf = (ms: Manifest[]) => {
      const worker = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-worker")!;
      const env = (worker.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    expect(envOf(parseManifests(renderChart()))).toMatchObject({ SEND_RETRY_MAX_HOURS: "6", SEND_RETRY_FIRST_DELAY_SECONDS: "15", SEND_RETRY_MAX_DELAY_SECONDS: "600" });
    const custom = envOf(parseManifests(renderChart(["--set", "worker.sendRetry.maxHours=2", "--set", "worker.env.SEND_RETRY_MAX_DELAY_SECONDS=300"])));
    expect(custom).toMatchObject({ SEND_RETRY_MAX_HOURS: "2", SEND_RETRY_MAX_DELAY_SECONDS: "300" });
    expect(() => renderChart(["--set", "worker.sendRetry.maxHours=0"])).toThrow(/maxHours/);
    expect(() => renderChart(["--set", "worker.sendRetry.maxDelay=5"])).toThrow(/maxDelay/);
  });

  it("hands the worker the LLM assistant's provider (web.ai) and timeout (worker.assistant.aiTimeoutMs)", () => {
    const envOf = (ms: Manifest[]) => {
      const worker = byKind(ms, "Deployment").find((d) => d.metadata.name === "rm-reputation-manager-worker")!;
      const env = (worker.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    expect(envOf(parseManifests(renderChart()))).toMatchObject({ ASSISTANT_AI_TIMEOUT_MS: "15000", AI_MODEL: "llama3.2" });
    const custom = envOf(parseManifests(renderChart(["--set", "web.ai.baseUrl=http://ollama:11434/v1", "--set", "worker.assistant.aiTimeoutMs=8000"])));
    expect(custom).toMatchObject({ AI_BASE_URL: "http://ollama:11434/v1", ASSISTANT_AI_TIMEOUT_MS: "8000" });
    expect(() => renderChart(["--set", "worker.assistant.aiTimeoutMs=500"])).toThrow(/aiTimeoutMs/);
  });

  it("hands the API's settings to web and worker (web.apiRateLimitPerMinute, worker.webhooks, secrets.apiKeyHashSecret)", () => {
    const envOf = (ms: Manifest[], name: string) => {
      const d = byKind(ms, "Deployment").find((x) => x.metadata.name === `rm-reputation-manager-${name}`)!;
      const env = (d.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env ?? [];
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    const ms = parseManifests(renderChart(["--set", "secrets.apiKeyHashSecret=0123456789abcdef0123456789abcdef", "--set", "web.apiRateLimitPerMinute=120", "--set", "worker.webhooks.maxAttempts=4"]));
    expect(envOf(ms, "web")).toMatchObject({ API_RATE_LIMIT_PER_MINUTE: "120" });
    expect(envOf(ms, "worker")).toMatchObject({ WEBHOOK_TIMEOUT_MS: "10000", WEBHOOK_MAX_ATTEMPTS: "4", WEBHOOK_RETRY_FIRST_DELAY_SECONDS: "30", WEBHOOK_RETRY_MAX_SECONDS: "21600", WEBHOOK_DISABLE_AFTER_FAILURES: "5" });
    const secret = byKind(ms, "Secret").find((x) => (x as unknown as { stringData?: Record<string, string> }).stringData?.API_KEY_HASH_SECRET);
    expect(secret).toBeDefined();
    expect(() => renderChart(["--set", "worker.webhooks.maxAttempts=0"])).toThrow(/maxAttempts/);
    expect(() => renderChart(["--set", "web.apiRateLimitPerMinute=0"])).toThrow(/apiRateLimitPerMinute/);
  });

  it("renders the worker's egress NetworkPolicy when enabled: public addresses on 443 only, private and metadata ranges excepted", () => {
    expect(byKind(parseManifests(renderChart()), "NetworkPolicy").map((n) => n.metadata.name)).not.toContain("rm-reputation-manager-worker-egress");
    const policy = byKind(parseManifests(renderChart(["--set", "networkPolicy.workerEgress.enabled=true"])), "NetworkPolicy").find((n) => n.metadata.name === "rm-reputation-manager-worker-egress")!;
    const spec = policy.spec as { policyTypes: string[]; egress: { to: { ipBlock?: { cidr: string; except: string[] } }[]; ports?: { port: number }[] }[] };
    expect(spec.policyTypes).toEqual(["Egress"]);
    const [publicRule] = spec.egress;
    expect(publicRule!.ports).toEqual([{ port: 443, protocol: "TCP" }]);
    expect(publicRule!.to[0]!.ipBlock).toMatchObject({ cidr: "0.0.0.0/0", except: expect.arrayContaining(["169.254.0.0/16", "10.0.0.0/8", "127.0.0.0/8"]) });
    expect(publicRule!.to[1]!.ipBlock).toMatchObject({ cidr: "::/0", except: expect.arrayContaining(["fe80::/10", "fc00::/7"]) });
  });

  it("runs migrations as a pre-install/pre-upgrade hook whose Secret exists before it", () => {
    const ms = parseManifests(renderChart());
    const job = byKind(ms, "Job")[0]!;
    const hook = (m: Manifest) => m.metadata.annotations?.["helm.sh/hook"];
    const weight = (m: Manifest) => Number(m.metadata.annotations?.["helm.sh/hook-weight"] ?? 0);
    expect(hook(job)).toBe("pre-install,pre-upgrade");
    const secretName = JSON.stringify(job).match(/"secretKeyRef":\{"name":"([^"]+)"/)![1];
    const secret = ms.find((m) => m.kind === "Secret" && m.metadata.name === secretName)!;
    expect(hook(secret)).toBe("pre-install,pre-upgrade");
    expect(weight(secret)).toBeLessThan(weight(job));
    // Deleting it on success of its own hook could remove it before the Job reads it.
    expect(secret.metadata.annotations?.["helm.sh/hook-delete-policy"]).toBe("before-hook-creation");
    expect(JSON.stringify(job)).toContain('"command":["node","migrate.js"]');
  });

  it("web: ingress with /webhooks/ and the CSV body limit, probes, non-root read-only pods", () => {
    const ms = parseManifests(renderChart(PROD));
    const ingress = byKind(ms, "Ingress")[0]!;
    expect(ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-body-size"]).toBe("20m");
    // A 50,000-row confirm can outlast ingress-nginx's 60 s default on a busy node.
    expect(ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"]).toBe("180");
    expect(JSON.stringify(ingress)).toContain('"path":"/webhooks/"');
    expect((ingress.spec as { ingressClassName: string }).ingressClassName).toBe("nginx");
    for (const d of byKind(ms, "Deployment")) {
      const pod = (d.spec as { template: { spec: { securityContext: { runAsNonRoot: boolean }; containers: { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } }; securityContext: { readOnlyRootFilesystem: boolean }; resources: { requests: object } }[] } } }).template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      const c = pod.containers[0]!;
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(c.resources.requests).toBeDefined();
    }
  });

  it("validates every rendered object offline (types and unknown fields) and finds no duplicate env names", async () => {
    for (const args of [[], PROD, ["-f", `${CHART}/values-dev.yaml`]]) {
      const ms = parseManifests(renderChart(args));
      const problems = [];
      for (const m of ms) {
        if (m.apiVersion === "monitoring.coreos.com/v1") continue; // checked below (no schema package for the operator's CRDs)
        problems.push(...(await validateManifest(m)));
      }
      expect(problems).toEqual([]);
      expect(duplicateEnvNames(ms)).toEqual([]);
    }
  });

  it("the offline validation catches wrong types, unknown fields and duplicate env names", async () => {
    const ms = parseManifests(renderChart());
    const d = structuredClone(byKind(ms, "Deployment")[0]!) as Manifest & { spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } } };
    d.spec.replicas = "two";
    d.spec.template.spec.containers[0]!.imagePulPolicy = "Always";
    d.spec.template.spec.containers[0]!.env = [{ name: "A", value: "1" }, { name: "A", value: "2" }];
    const problems = await validateManifest(d);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(["/spec/replicas", "/spec/template/spec/containers/0/imagePulPolicy"]));
    expect(duplicateEnvNames([d])).toHaveLength(1);
  });

  it("ServiceMonitor and PrometheusRule: expected shape, every alert has a runbook section", () => {
    const ms = parseManifests(renderChart(PROD));
    const sm = byKind(ms, "ServiceMonitor")[0]!;
    expect(Object.keys(sm.spec as object).sort()).toEqual(["endpoints", "namespaceSelector", "selector"]);
    const services = byKind(ms, "Service").filter((s) => s.metadata.labels?.["reputation-manager/metrics"] === "true");
    expect(services.map((s) => s.metadata.labels?.["app.kubernetes.io/component"]).sort()).toEqual(["relay", "web", "worker"]);
    const rule = byKind(ms, "PrometheusRule")[0]!;
    const groups = (rule.spec as { groups: { name: string; rules: { alert: string; expr: string; for: string; labels: object; annotations: { runbook_url: string } }[] }[] }).groups;
    const runbook = readFileSync(`${CHART}/../../docs/runbook.md`, "utf8").toLowerCase();
    const alerts = groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(["RmOutboxBacklogGrowing", "RmOutboxOldestDueTooOld", "RmDeadLetterNotEmpty", "RmDeliveryRateDropping", "RmWebhookSignatureFailures", "RmHttpErrorRate"]));
    for (const a of alerts) {
      expect(Object.keys(a).sort()).toEqual(["alert", "annotations", "expr", "for", "labels"]);
      expect(metricNames(a.expr).length).toBeGreaterThan(0);
      expect(runbook).toContain(`### ${a.alert.toLowerCase()}`);
      expect(a.annotations.runbook_url).toContain(`#${a.alert.toLowerCase()}`);
    }
  });

  it("each alert's runbook_url is built from the runbookUrl value, so operators point alerts at their own copy", () => {
    const ms = parseManifests(renderChart([...PROD, "--set", "metrics.prometheusRule.runbookUrl=https://wiki.example.ec/rm/runbook/"]));
    const rule = byKind(ms, "PrometheusRule")[0]!;
    const alerts = (rule.spec as { groups: { rules: { alert: string; annotations: { runbook_url: string } }[] }[] }).groups.flatMap((g) => g.rules);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.annotations.runbook_url).toBe(`https://wiki.example.ec/rm/runbook#${a.alert.toLowerCase()}`);
  });

  it("the Tiltfile names resources and images the dev values render", () => {
    const tiltfile = readFileSync(`${CHART}/../../Tiltfile`, "utf8");
    const ms = parseManifests(renderChart(["-f", `${CHART}/values-dev.yaml`]));
    const rendered = new Set(ms.map((m) => m.metadata.name));
    const resources = [...tiltfile.matchAll(/k8s_resource\("(rm-reputation-manager-[a-z-]+)"/g)].map((m) => m[1]!);
    expect(resources.length).toBeGreaterThanOrEqual(5);
    for (const r of resources) expect(rendered, r).toContain(r);
    const images = JSON.stringify(ms);
    for (const app of ["web", "relay", "worker", "simulator"]) expect(images).toContain(`"image":"reputation-manager-${app}:dev"`);
    expect(tiltfile).toContain('dockerfile="Dockerfile"');
    expect(tiltfile).toContain('target=app + "-dev"');
    const stages = readDockerfile();
    for (const app of ["web", "relay", "worker", "simulator"]) {
      // The Tilt target runs the app's TypeScript from the synced workspace, restarting on changes.
      expect(targetInstructions(stages, `${app}-dev`)).toContain("ENV NODE_ENV=development");
      expect(targetInstructions(stages, `${app}-dev`)).toContain(`WORKDIR /src/apps/${app}`);
      expect(targetCommand(stages, `${app}-dev`).slice(0, 2)).toEqual(["node", "--watch"]);
    }
  });

  it("ships the Grafana dashboard as parseable JSON in a ConfigMap with the sidecar label", () => {
    const ms = parseManifests(renderChart());
    const cm = byKind(ms, "ConfigMap").find((m) => m.metadata.labels?.grafana_dashboard === "1")!;
    const dashboard = JSON.parse((cm as unknown as { data: Record<string, string> }).data["reputation-manager.json"]!) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    const panels = dashboard.panels.filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const p of panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });
});

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | boolean;
  additionalProperties?: SchemaNode | boolean;
}

/** TypeScript sources of the apps and packages (no tests, no dependencies, no builds). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "test", "build", "dist", ".cache"].includes(entry.name) || entry.name.startsWith(".")) continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}
