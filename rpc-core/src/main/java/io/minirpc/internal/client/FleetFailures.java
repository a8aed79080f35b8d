package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.transport.LogSafe;
import java.util.ArrayList;
import java.util.List;

/**
 * What a call of a fleet fails with when no server can take it: what went wrong, with what
 * discovery and the servers said, and what to check. The {@link Fleet} decides when.
 */
final class FleetFailures {
  private FleetFailures() {}

  /**
   * NOT_FOUND when none of {@code eps} publishes {@code call}'s method with this client's
   * signature; null when one does (or discovery publishes nothing).
   */
  static RpcException notPublished(Attempt.Call call, Endpoint[] eps, String target) {
    boolean anyServes = false;
    List<ServerInstance> servers = new ArrayList<>(eps.length);
    for (Endpoint e : eps) {
      anyServes |= e.serves(call.method());
      servers.add(e.instance());
    }
    if (anyServes) {
      return null;
    }
    return new RpcException(RpcException.Code.NOT_FOUND, call.method().callPrefix() + "was not"
        + " sent: none of the servers of " + target + " publishes "
        + call.method().descriptor().displayName() + " with this client's signature ("
        + Compatibility.published(servers, call.method()) + "). Deploy the same version of the"
        + " interface on both sides");
  }

  /**
   * Why a call fails when discovery lists no server it may call.
   *
   * @param resolveError discovery's last error, or null
   * @param leftOut the servers discovery listed that this client may not call, or null
   */
  static String noServers(String target, String resolveError, String leftOut) {
    return "failed: " + target + " lists no servers now"
        + (resolveError == null ? "" : " (" + LogSafe.escape(resolveError, 500) + ")")
        + (leftOut == null ? "" : " that this client may call (" + leftOut + ")")
        + ". It did not run. Check that servers are running and registered; to make calls wait"
        + " for one within their timeout, set minirpc.waitForReady=true";
  }

  /** The exception of a call whose deadline passed while it waited for any of {@code known}. */
  static RpcException waitExpired(Attempt.Call call, String target, int known,
      String resolveError, String leftOut) {
    return new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix() + "was not"
        + " sent: no server of " + target + " could take it within "
        + call.limit().within(call.timeoutNanos()) + " (" + known + " known"
        + (resolveError == null ? "" : "; discovery: " + LogSafe.escape(resolveError, 500))
        + (leftOut == null ? "" : "; " + leftOut) + "). It did not run. Check that the servers are"
        + " running and reachable");
  }
}
