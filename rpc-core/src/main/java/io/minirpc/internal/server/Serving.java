package io.minirpc.internal.server;

import io.minirpc.ServerInterceptor;
import java.util.List;

/**
 * What every call of one server shares: its limits, its admission and its interceptors.
 *
 * @param interceptors run around every call, the first outermost; empty for the direct path
 */
record Serving(ServerLimits limits, Admission admission, List<ServerInterceptor> interceptors) {
  Serving {
    interceptors = List.copyOf(interceptors);
  }
}
