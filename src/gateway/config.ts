// The gateway's configuration: the `gateway:` section of the YAML config file (config.file.gateway)
// and the upstream specs managed through the API. Validation errors name the field.
import { z } from 'zod';

export const CircuitSchema = z
  .object({
    /** Consecutive failures (timeouts, resets, 5xx) that open the circuit. */
    failures: z.number().int().min(1).max(1000).default(5),
    /** How long the circuit stays open before one half-open probe is let through. */
    cooldownMs: z.number().int().min(10).max(3_600_000).default(30_000),
  })
  .strict();

export const UpstreamSpecSchema = z
  .object({
    type: z.enum(['openai', 'anthropic'], { error: 'must be openai or anthropic' }),
    /** OpenAI-compatible: the base URL including /v1 (e.g. https://api.openai.com/v1). Anthropic: https://api.anthropic.com. */
    baseUrl: z.string().url('must be a URL'),
    /** NAME of the environment variable holding the upstream API key — never the key itself. */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    /** Time to response headers (and for non-streaming responses, to the whole body). */
    timeoutMs: z.number().int().min(10).max(600_000).default(60_000),
    /** Longest silence between two chunks of a streamed response. */
    streamIdleMs: z.number().int().min(10).max(600_000).default(60_000),
    maxResponseBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
    circuit: CircuitSchema.default({ failures: 5, cooldownMs: 30_000 }),
    /** Models listed on /v1/models (otherwise asked from the upstream). */
    models: z.array(z.string().min(1).max(200)).max(500).optional(),
    /** Model aliases: what the client asks for → what the upstream gets. */
    modelMap: z.record(z.string().max(200), z.string().min(1).max(200)).optional(),
    /** Extra (non-secret) request headers. */
    headers: z.record(z.string().max(100), z.string().max(1000)).optional(),
    /** Anthropic: max_tokens when the client sends none (the Messages API requires it). */
    defaultMaxTokens: z.number().int().min(1).max(1_000_000).default(1024),
    anthropicVersion: z.string().max(40).default('2023-06-01'),
  })
  .strict();
export type UpstreamSpec = z.output<typeof UpstreamSpecSchema>;
export type UpstreamSpecInput = z.input<typeof UpstreamSpecSchema>;

export const PolicySourceSchema = z.union([
  z.string().min(1), // a file path
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ yaml: z.string().min(1) }).strict(),
  z.object({ policy: z.record(z.string(), z.unknown()) }).strict(),
]);

export const GatewayConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    upstreams: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'upstream names are 1–64 letters, digits, . _ -'), UpstreamSpecSchema).default({}),
    /** Named policies: a file path, { file }, { yaml } or { policy } (guard format + optional `gateway:` section). */
    policies: z.record(z.string(), PolicySourceSchema).default({}),
    defaults: z
      .object({
        /** Requests per minute per application key when the key sets none (0 = unlimited). */
        rpm: z.number().int().min(0).max(1_000_000).default(600),
      })
      .strict()
      .default({ rpm: 600 }),
    limits: z
      .object({ maxRequestBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024) })
      .strict()
      .default({ maxRequestBytes: 4 * 1024 * 1024 }),
    decisions: z
      .object({
        flushMs: z.number().int().min(5).max(60_000).default(250),
        batchSize: z.number().int().min(1).max(5000).default(500),
        /** Decisions held in memory before they go straight to the spill file. */
        maxBuffer: z.number().int().min(10).max(1_000_000).default(20_000),
        /** Longest a batch insert may take before the batch is spilled (the insert is idempotent). */
        insertTimeoutMs: z.number().int().min(50).max(120_000).default(5_000),
        retryMs: z.number().int().min(10).max(600_000).default(2_000),
      })
      .strict()
      .default({ flushMs: 250, batchSize: 500, maxBuffer: 20_000, insertTimeoutMs: 5_000, retryMs: 2_000 }),
    evidence: z
      .object({ intervalMs: z.number().int().min(0).max(86_400_000).default(300_000) })
      .strict()
      .default({ intervalMs: 300_000 }),
    confirmations: z
      .object({
        /** How long a request waits for a human decision on a held tool call before answering "pending". */
        holdMs: z.number().int().min(0).max(600_000).default(30_000),
        /** How long a pending (or approved, unused) confirmation stays valid. */
        expiryMs: z.number().int().min(1000).max(7 * 86_400_000).default(600_000),
      })
      .strict()
      .default({ holdMs: 30_000, expiryMs: 600_000 }),
    /** Poll interval for policy files and for changes made by other instances (0 = off). */
    reloadMs: z.number().int().min(0).max(3_600_000).default(5_000),
  })
  .strict();
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** Gateway-specific settings a policy may carry in a `gateway:` section next to the guard's fields. */
export const PolicyGatewaySchema = z
  .object({
    /** `reply`: a blocked input gets the policy's safe reply as a normal completion; `error`: an OpenAI error (400). */
    onBlock: z.enum(['reply', 'error'], { error: 'must be reply or error' }).default('reply'),
    /** GB 45438 explicit text label on generated content. */
    label: z
      .object({
        enabled: z.boolean().default(false),
        text: z.string().min(1).max(200).default('【本内容由人工智能生成】'),
        position: z.enum(['end', 'start']).default('end'),
      })
      .strict()
      .default({ enabled: false, text: '【本内容由人工智能生成】', position: 'end' }),
    /** Keep the checked text in the decision log (off by default: only its SHA-256 is kept). */
    logContent: z.boolean().default(false),
    /** Characters the stream scanner rescans and holds back (longest term or PII value to catch across chunks). */
    streamOverlap: z.number().int().min(8).max(4096).default(64),
  })
  .strict();
export type PolicyGateway = z.output<typeof PolicyGatewaySchema>;
export const DEFAULT_POLICY_GATEWAY: PolicyGateway = PolicyGatewaySchema.parse({});
