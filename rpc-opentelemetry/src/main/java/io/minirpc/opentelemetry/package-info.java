/**
 * OpenTelemetry tracing for minirpc: {@link io.minirpc.opentelemetry.TracingInterceptor} makes a
 * client span and a server span for every call and carries the W3C trace context in the call's
 * metadata, so that one trace follows a request across services.
 */
package io.minirpc.opentelemetry;
