package io.minirpc.internal.client;

import io.minirpc.RpcException;
import java.util.List;

/**
 * What a caller is told when its call could not be sent to a server: no connection could be
 * made, or the connections were full for as long as it could wait. Each says that the call did
 * not run, and what to check.
 */
final class WaitFailures {
  private WaitFailures() {}

  /** Why a call that does not wait for a connection failed, when none can be made. */
  static String noConnection(String address, String failure) {
    return "failed: there is no connection to " + address + " (" + failure + "). It did not run,"
        + " so it is safe to retry. The client keeps reconnecting in the background; to make"
        + " calls wait for a connection within their timeout instead, set"
        + " minirpc.waitForReady=true or annotate the method with @WaitForReady";
  }

  /**
   * The exception of a call whose deadline passed while it waited for a connection to {@code
   * address}.
   *
   * @param connected whether a usable connection exists (then the wait was for room on it)
   * @param lastFailure why the last attempt to connect failed, or null
   * @param ready the connections that take calls now
   * @param maxInFlight the client's {@code minirpc.maxInFlight}
   */
  static RpcException expired(Attempt.Call call, String address, boolean connected,
      String lastFailure, List<Connection> ready, int maxInFlight) {
    long millis = call.timeoutNanos() / 1_000_000;
    String prefix = call.method().callPrefix();
    if (!connected) {
      return new RpcException(RpcException.Code.UNAVAILABLE, prefix + "was not sent: no"
          + " connection to " + address + " could be made within "
          + call.limit().within(call.timeoutNanos())
          + (lastFailure == null ? "" : " (last attempt: " + lastFailure + ")") + ". It did not"
          + " run. Check that the server is running and reachable; the client keeps reconnecting");
    }
    return new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, prefix + "was not sent: it"
        + " waited " + millis + " ms for room, but " + busy(address, ready, maxInFlight)
        + ". It did not run. The server is slower than the calls arrive: slow down, or raise the"
        + " limits");
  }

  /** How full the {@code ready} connections to {@code address} are, and by which limits. */
  static String busy(String address, List<Connection> ready, int maxInFlight) {
    StringBuilder b = new StringBuilder();
    b.append("the ").append(ready.size()).append(" connection(s) to ").append(address)
        .append(" are full (");
    String serverLimit = "an unknown number";
    for (int i = 0; i < ready.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      Connection c = ready.get(i);
      b.append(c.inFlight()).append(" calls in flight")
          .append(c.channel().isWritable() ? "" : ", write buffer full");
      if (c.serverHello() != null) {
        serverLimit = c.serverHello().maxCallsPerConnection()
            + " (minirpc.server.maxCallsPerConnection)";
      }
    }
    return b.append("; minirpc.maxInFlight=").append(maxInFlight)
        .append(" per connection, and the server allows ").append(serverLimit).append(")")
        .toString();
  }
}
