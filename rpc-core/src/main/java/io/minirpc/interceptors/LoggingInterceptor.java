package io.minirpc.interceptors;

import io.minirpc.ClientCall;
import io.minirpc.ClientInterceptor;
import io.minirpc.ServerCall;
import io.minirpc.ServerInterceptor;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every call with SLF4J, on the logger {@code io.minirpc.calls}: a call that succeeds at
 * DEBUG, one that fails at INFO, each with the side, the method, how long it took and, for a
 * failure, its code and message. Argument and result values are never logged.
 *
 * <pre>
 * client io.minirpc.examples.calculator.Calculator.add(int,int) OK in 182 us
 * server io.minirpc.examples.calculator.Calculator.divide(int,int) failed in 95 us: APPLICATION: division by zero
 * </pre>
 *
 * <p>One instance may serve clients and servers alike.
 */
public final class LoggingInterceptor implements ClientInterceptor, ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger("io.minirpc.calls");

  @Override
  public CompletionStage<Object> intercept(ClientCall call, ClientInterceptor.Next next) {
    return logged("client", call.methodName(), next::proceed);
  }

  @Override
  public CompletionStage<Object> intercept(ServerCall call, ServerInterceptor.Next next) {
    return logged("server", call.methodName(), next::proceed);
  }

  private static CompletionStage<Object> logged(
      String side, String method, Supplier<CompletionStage<Object>> next) {
    long start = System.nanoTime();
    return next.get().whenComplete((value, error) -> {
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
      if (error == null) {
        log.debug("{} {} OK in {} us", side, method, micros);
      } else if (log.isInfoEnabled()) {
        Throwable t = Outcome.unwrap(error);
        log.info("{} {} failed in {} us: {}: {}", side, method, micros, Outcome.codeOf(t),
            t.getMessage() == null ? t.getClass().getName() : t.getMessage());
      }
    });
  }
}
