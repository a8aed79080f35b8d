package io.minirpc.opentelemetry;

import io.minirpc.ClientCall;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcException;
import io.minirpc.ServerCall;
import io.minirpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * OpenTelemetry spans for minirpc calls, on clients and servers, following OpenTelemetry's RPC
 * semantic conventions; the trace context travels in each call's metadata ({@code traceparent},
 * {@code tracestate}, through the {@code OpenTelemetry}'s propagators), so a trace crosses
 * services.
 *
 * <pre>{@code
 * OpenTelemetry otel = ...;   // the application's SDK, with W3C trace context propagation
 * TracingInterceptor tracing = new TracingInterceptor(otel);
 * RpcServer server = RpcServer.builder().intercept(tracing)...;
 * RpcClient client = RpcClient.builder().intercept(tracing)...;
 * }</pre>
 *
 * <p>A client span (kind {@code CLIENT}) covers a call from the proxy until its result, retries
 * and waiting for a connection included; it is the child of the span current on the calling
 * thread. A server span (kind {@code SERVER}) covers the interceptors after it and the
 * implementation, and is the child of the caller's span. While the implementation runs, the
 * server span is current on its thread, so calls it makes through a traced client are its
 * children. An asynchronous implementation that goes on on another thread should carry the
 * context there: {@code Context.current().wrap(executor)}. Put the interceptor first on both sides
 * so that it sees the others' time and failures.
 *
 * <p>Each span is named {@code service/method} ({@code com.example.Calculator/add(int,int)}) and
 * has {@code rpc.system} {@code minirpc}, {@code rpc.service} (the interface's binary name),
 * {@code rpc.method} (the method's name with its parameter types, so overloads are told apart)
 * and {@code rpc.response.status_code} ({@code OK} or the {@link RpcException.Code}, {@code
 * APPLICATION} for the application's own exceptions). A client span has {@code server.address}
 * and {@code server.port} of the client's first address, a server span {@code
 * network.peer.address} and {@code network.peer.port} of the caller. A failed call has status
 * {@code ERROR}, {@code error.type} (the code, or the application exception's class) and the
 * exception as an event.
 *
 * <p>One instance may serve clients and servers alike; it is thread-safe.
 */
public final class TracingInterceptor implements ClientInterceptor, ServerInterceptor {
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> STATUS_CODE =
      AttributeKey.stringKey("rpc.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;
  private static final TextMapGetter<Map<String, String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  /** Span names and attributes, made once per method. */
  private final Map<Method, Names> names = new ConcurrentHashMap<>();
  /** Where each client's address points, parsed once per address. */
  private final Map<String, HostAndPort> targets = new ConcurrentHashMap<>();

  /**
   * Traces with {@code openTelemetry}'s tracer (instrumentation scope {@code
   * io.minirpc.opentelemetry}) and carries context with its text-map propagator.
   *
   * @param openTelemetry the application's OpenTelemetry, with its SDK; not owned
   */
  public TracingInterceptor(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry == null");
    this.tracer = openTelemetry.getTracer("io.minirpc.opentelemetry");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  public CompletionStage<Object> intercept(ClientCall call, ClientInterceptor.Next next) {
    Names n = names(call.service(), call.method());
    Context parent = Context.current();
    SpanBuilder b = start(n, SpanKind.CLIENT).setParent(parent);
    HostAndPort target = targets.computeIfAbsent(call.target(), HostAndPort::parse);
    if (target.host != null) {
      b.setAttribute(SERVER_ADDRESS, target.host);
      if (target.port > 0) {
        b.setAttribute(SERVER_PORT, (long) target.port);
      }
    }
    Span span = b.startSpan();
    Context context = parent.with(span);
    propagator.inject(context, call.metadata(), SETTER);
    return proceed(span, context, next::proceed);
  }

  @Override
  public CompletionStage<Object> intercept(ServerCall call, ServerInterceptor.Next next) {
    Names n = names(call.service(), call.method());
    Context parent = propagator.extract(Context.current(), call.metadata(), GETTER);
    SpanBuilder b = start(n, SpanKind.SERVER).setParent(parent);
    SocketAddress remote = call.remoteAddress().orElse(null);
    if (remote instanceof InetSocketAddress) {
      InetSocketAddress a = (InetSocketAddress) remote;
      if (a.getAddress() != null) {
        b.setAttribute(PEER_ADDRESS, a.getAddress().getHostAddress());
      }
      b.setAttribute(PEER_PORT, (long) a.getPort());
    }
    Span span = b.startSpan();
    return proceed(span, parent.with(span), next::proceed);
  }

  private SpanBuilder start(Names n, SpanKind kind) {
    return tracer.spanBuilder(n.spanName).setSpanKind(kind)
        .setAttribute(RPC_SYSTEM, "minirpc")
        .setAttribute(RPC_SERVICE, n.service)
        .setAttribute(RPC_METHOD, n.method);
  }

  /** Runs the rest of the chain with {@code context} current, and ends the span with the call. */
  private static CompletionStage<Object> proceed(Span span, Context context,
      java.util.function.Supplier<CompletionStage<Object>> next) {
    CompletionStage<Object> stage;
    try (Scope ignored = context.makeCurrent()) {
      stage = next.get();
    } catch (RuntimeException | Error e) {
      end(span, e);
      throw e;
    }
    return stage.whenComplete((value, error) -> end(span, error));
  }

  private static void end(Span span, Throwable error) {
    if (error == null) {
      span.setAttribute(STATUS_CODE, "OK");
    } else {
      Throwable t = unwrap(error);
      boolean rpc = t instanceof RpcException;
      RpcException.Code code = rpc ? ((RpcException) t).code() : RpcException.Code.APPLICATION;
      span.setAttribute(STATUS_CODE, code.name());
      span.setAttribute(ERROR_TYPE, rpc ? code.name() : t.getClass().getName());
      span.setStatus(StatusCode.ERROR, rpc ? code.name() : t.getClass().getName());
      span.recordException(t);
    }
    span.end();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private Names names(Class<?> service, Method method) {
    Names n = names.get(method);
    if (n == null) {
      n = names.computeIfAbsent(method, m -> new Names(service.getName(), wireName(m)));
    }
    return n;
  }

  /** {@code add(int,int)}: the name minirpc gives a method on the wire and in its metrics. */
  static String wireName(Method m) {
    StringBuilder sb = new StringBuilder(m.getName()).append('(');
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      sb.append(i == 0 ? "" : ",").append(types[i].getTypeName());
    }
    return sb.append(')').toString();
  }

  /** A method's names, for its spans. */
  private static final class Names {
    final String service;
    final String method;
    final String spanName;

    Names(String service, String method) {
      this.service = service;
      this.method = method;
      this.spanName = service + "/" + method;
    }
  }

  /** The first server of a client's address: {@code host:port}, a list, or a discovery URI. */
  static final class HostAndPort {
    final String host;
    final int port;

    HostAndPort(String host, int port) {
      this.host = host;
      this.port = port;
    }

    static HostAndPort parse(String target) {
      String first = target.trim();
      try {
        if (first.contains("://")) {
          // dns:///orders.internal:4242, zookeeper://zk1:2181/minirpc/orders: the name is the
          // path of a DNS target, the registry path otherwise; no host stands for the fleet.
          URI uri = URI.create(first);
          if ("dns".equals(uri.getScheme()) && uri.getPath() != null) {
            return parse(uri.getPath().substring(1));
          }
          return new HostAndPort(first, -1);
        }
        int comma = first.indexOf(',');
        if (comma >= 0) {
          first = first.substring(0, comma).trim();
        }
        int colon = first.lastIndexOf(':');
        if (colon <= 0) {
          return new HostAndPort(first.isEmpty() ? null : first, -1);
        }
        String host = first.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        return new HostAndPort(host, Integer.parseInt(first.substring(colon + 1)));
      } catch (RuntimeException e) {
        return new HostAndPort(first.isEmpty() ? null : first, -1);
      }
    }
  }
}
