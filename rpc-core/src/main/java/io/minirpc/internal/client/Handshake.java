package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Hello;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server's HELLO means for one connection of this client: refused, and why, or usable with
 * these limits. Pure: it reads the two HELLOs and decides; connecting, logging and closing are
 * the caller's. What each method may call is {@link Compatibility}'s to say, per method.
 */
final class Handshake {
  /**
   * The verdict on one server HELLO.
   *
   * @param refusal why the connection cannot be used, or {@code null}
   * @param maxInFlight calls the connection may carry at once: the smaller of both limits
   * @param pingNanos how long a quiet connection waits before it pings: the client's interval, or
   *     a third of the server's idle timeout if that is shorter
   * @param allowedDifference which classes only one side allows to the codec, in words, or
   *     {@code null} when both allow the same
   */
  record Verdict(RpcException refusal, int maxInFlight, long pingNanos, String allowedDifference) {
    /** The words that end a CODEC failure's message on this connection, or {@code null}. */
    String codecHint() {
      return allowedDifference == null ? null
          : ". Client and server allow different classes to the codec (minirpc.codec.allow):"
              + allowedDifference + ". A value of such a class decodes on one side only: allow"
              + " the same classes on both";
    }
  }

  private Handshake() {}

  static Verdict check(Hello client, Hello server, String address, int clientMaxInFlight,
      long heartbeatNanos) {
    RpcException refusal = refusal(client, server, address);
    int limit = clientMaxInFlight;
    if (server.maxCallsPerConnection() > 0) {
      limit = Math.min(limit, server.maxCallsPerConnection());
    }
    long pingNanos = heartbeatNanos;
    if (server.idleTimeoutNanos() > 0) {
      pingNanos = Math.min(pingNanos, server.idleTimeoutNanos() / 3);
    }
    return new Verdict(refusal, limit, Math.max(1_000_000L, pingNanos),
        allowedDifference(client, server));
  }

  private static RpcException refusal(Hello client, Hello server, String address) {
    if (server.minVersion() > client.maxVersion() || server.maxVersion() < client.minVersion()) {
      return new RpcException(RpcException.Code.UNAVAILABLE, "The server at " + address
          + " speaks protocol versions " + server.minVersion() + " to " + server.maxVersion()
          + ", this client " + client.minVersion() + " to " + client.maxVersion()
          + ": upgrade the older side");
    }
    Hello.CodecInfo ours = client.codecs().get(0);
    Hello.CodecInfo codec = server.codec(ours.name());
    if (codec == null || codec.id() != ours.id()) {
      return new RpcException(RpcException.Code.CODEC, "The server at " + address
          + " does not speak codec '" + ours.name() + "' (it speaks: "
          + String.join(", ", server.codecNames()) + "). Set minirpc.codec on the client to one"
          + " of those, or install the codec's module on the server");
    }
    return null;
  }

  private static String allowedDifference(Hello client, Hello server) {
    if (server.detailsWithheld()) {
      return null; // it did not say which it allows
    }
    List<String> onlyHere = new ArrayList<>(client.allowedClasses());
    onlyHere.removeAll(server.allowedClasses());
    List<String> onlyThere = new ArrayList<>(server.allowedClasses());
    onlyThere.removeAll(client.allowedClasses());
    if (onlyHere.isEmpty() && onlyThere.isEmpty()) {
      return null;
    }
    return (onlyHere.isEmpty() ? "" : " only the client allows " + onlyHere)
        + (onlyHere.isEmpty() || onlyThere.isEmpty() ? "" : ",")
        + (onlyThere.isEmpty() ? "" : " only the server allows " + onlyThere);
  }
}
