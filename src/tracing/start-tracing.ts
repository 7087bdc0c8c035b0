import { startTracing } from "./tracing";

/*
 * The first import of every entry point that serves or works (main.ts, worker-main.ts): the
 * OpenTelemetry SDK must be running before `http` and `pg` are first required, or they are not
 * traced. Does nothing unless OTEL_TRACES_EXPORTER asks for traces.
 */
startTracing();
