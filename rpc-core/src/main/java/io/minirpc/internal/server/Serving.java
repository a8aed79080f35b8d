package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.ServerInterceptor;
import java.util.List;

/**
 * What every call of one server shares: its limits, its admission and its interceptors.
 *
 * @param interceptors run around every call, the first outermost; empty for the direct path
 * @param authenticator decides about each request before it is decoded, or null for none
 */
record Serving(ServerLimits limits, Admission admission, List<ServerInterceptor> interceptors,
    Authenticator authenticator) {
  Serving {
    interceptors = List.copyOf(interceptors);
  }
}
