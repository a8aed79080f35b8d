package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcException;
import io.minirpc.ServerInterceptor;
import io.minirpc.metrics.Refusal;
import io.minirpc.metrics.RpcObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call of one server shares: its limits, its admission, its interceptors and its
 * observer.
 *
 * @param interceptors run around every call, the first outermost; empty for the direct path
 * @param authenticator decides about each request before it is decoded, or null for none
 * @param observer told of refusals before dispatch, or null for none
 * @param delivery the threads that hand the items of clients' streams to the methods
 */
record Serving(ServerLimits limits, Admission admission, List<ServerInterceptor> interceptors,
    Authenticator authenticator, RpcObserver observer,
    io.minirpc.internal.transport.StreamDelivery delivery) {
  private static final Logger log = LoggerFactory.getLogger(Serving.class);

  Serving {
    interceptors = List.copyOf(interceptors);
  }

  Serving(ServerLimits limits, Admission admission, List<ServerInterceptor> interceptors,
      Authenticator authenticator) {
    this(limits, admission, interceptors, authenticator, null,
        new io.minirpc.internal.transport.StreamDelivery("server", Long.MAX_VALUE));
  }

  /**
   * Tells the observer, if any, of a refusal before dispatch; {@code method} is null when the
   * request named no registered method.
   */
  void refused(ServerMethod method, RpcException.Code code, Refusal reason) {
    if (observer == null) {
      return;
    }
    try {
      observer.refused(method == null ? null : method.descriptor().serviceName(),
          method == null ? null : method.descriptor().key(), code, reason);
    } catch (RuntimeException bug) {
      log.error("The observer {} failed", observer.getClass().getName(), bug);
    }
  }
}
