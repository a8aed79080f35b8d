package io.minirpc.interceptors;

import io.minirpc.ClientCall;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcException;
import io.minirpc.ServerCall;
import io.minirpc.ServerInterceptor;
import io.minirpc.metrics.CallObserver;
import io.minirpc.metrics.RpcObserver;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures calls for an {@link RpcObserver}: it times each call, classifies how it ended and tells
 * the method's {@link CallObserver}, asked once per method. The builders put one first in the chain
 * when they are given an observer ({@code observer(...)}), so an application rarely makes one
 * itself; {@link MetricsInterceptor} is one over its own counters. It is the one place where calls
 * are measured, for every observer.
 */
public final class ObservingInterceptor implements ClientInterceptor, ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ObservingInterceptor.class);
  /** Stands for "not observed" in the cache, which holds no nulls. */
  private static final CallObserver NONE = new CallObserver() {
    @Override
    public void started() {}

    @Override
    public void ended(long nanos, RpcException.Code code, Throwable error) {}
  };

  private final RpcObserver observer;
  /**
   * By the method's wire name, {@code service.key}: a call by name ({@code
   * RpcClient.callByName}) has no interface method of its own, but has its name.
   */
  private final Map<String, CallObserver> methods = new ConcurrentHashMap<>();

  /** Reports to {@code observer}, which it does not own. */
  public ObservingInterceptor(RpcObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer == null");
  }

  @Override
  public CompletionStage<Object> intercept(ClientCall call, ClientInterceptor.Next next) {
    return measure(call.methodName(), call::onStreamItem, next::proceed);
  }

  @Override
  public CompletionStage<Object> intercept(ServerCall call, ServerInterceptor.Next next) {
    return measure(call.methodName(), call::onStreamItem, next::proceed);
  }

  private CompletionStage<Object> measure(String name,
      java.util.function.Consumer<Runnable> streamItems, Supplier<CompletionStage<Object>> next) {
    CallObserver o = methods.get(name);
    if (o == null) {
      o = methods.computeIfAbsent(name, this::ask);
    }
    if (o == NONE) {
      return next.get();
    }
    CallObserver calls = o;
    streamItems.accept(() -> {
      try {
        calls.item();
      } catch (RuntimeException bug) {
        log.error("The observer {} failed", observer.getClass().getName(), bug);
      }
    });
    try {
      calls.started();
    } catch (RuntimeException bug) {
      log.error("The observer {} failed", observer.getClass().getName(), bug);
    }
    long start = System.nanoTime();
    return next.get().whenComplete((value, error) -> {
      long nanos = System.nanoTime() - start;
      try {
        if (error == null) {
          calls.ended(nanos, null, null);
        } else {
          Throwable t = Outcome.unwrap(error);
          calls.ended(nanos, Outcome.codeOf(t), t);
        }
      } catch (RuntimeException bug) {
        // Never the call's outcome: it would turn a result into this exception.
        log.error("The observer {} failed", observer.getClass().getName(), bug);
      }
    });
  }

  private CallObserver ask(String name) {
    // The name is "service.key", and only the key has a '(' (a method name has no '.'): the
    // observer is asked for the two apart, as the wire names them.
    int paren = name.indexOf('(');
    int dot = name.lastIndexOf('.', paren < 0 ? name.length() : paren);
    try {
      CallObserver o = observer.forMethod(dot < 0 ? "" : name.substring(0, dot),
          name.substring(dot + 1));
      return o == null ? NONE : o;
    } catch (RuntimeException bug) {
      log.error("The observer {} failed; {} is not observed", observer.getClass().getName(),
          name, bug);
      return NONE;
    }
  }

}
