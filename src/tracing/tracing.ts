import type { NodeSDK } from "@opentelemetry/sdk-node";

/** The exporters OTEL_TRACES_EXPORTER may name (the ones the installed SDK brings). */
export const TRACES_EXPORTERS = ["otlp", "console", "none"] as const;

let sdk: NodeSDK | undefined;

/**
 * Whether the environment asks for traces: OTEL_TRACES_EXPORTER set to an exporter (not `none`)
 * and the SDK not disabled with OTEL_SDK_DISABLED=true. Off by default.
 */
export function tracingWanted(env: Record<string, string | undefined> = process.env): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "" && name !== "none");
  return exporters.length > 0 && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== "true";
}

/** Whether this process started the OpenTelemetry SDK: spans are recorded and exported. */
export function tracingOn(): boolean {
  return sdk !== undefined;
}

/**
 * Starts OpenTelemetry's Node SDK when the environment asks for traces (see tracingWanted),
 * configured by the standard OTEL_* variables (exporter, endpoint, protocol, sampler, service
 * name, batch delays), with spans for incoming and outgoing HTTP and for pg statements made
 * under another span. It patches `http` and `pg` as they are loaded, so it must run before
 * anything requires them: it is the first import of the entry points (start-tracing.ts).
 * With tracing off nothing is loaded: the SDK is required here, lazily.
 */
export function startTracing(env: Record<string, string | undefined> = process.env): void {
  if (sdk || !tracingWanted(env)) return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require("@opentelemetry/sdk-node") as typeof import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
  const { PgInstrumentation } = require("@opentelemetry/instrumentation-pg") as typeof import("@opentelemetry/instrumentation-pg");
  /* eslint-enable @typescript-eslint/no-require-imports */
  sdk = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, names the service instead.
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: "parley" }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not requests anyone traces.
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ""),
      }),
      // Only statements made for a request or a job: the worker's polls would each be a trace.
      // Statements are recorded as sent (parameterised); their values never are.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
}

/** Flushes the spans not yet exported and stops the SDK (a no-op with tracing off). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)(?=[?#]|$)/;
