package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.transport.LogSafe;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps a client's credentials off plaintext connections that leave the machine, as gRPC refuses
 * call credentials on an insecure channel: a server a registry names could otherwise be anyone's
 * listener, and would read the token in the HELLO and in every request.
 *
 * <p>A credential is static metadata under {@code authorization}, or under a key that names a
 * token, secret, password or credential. Metadata an interceptor adds per call is the
 * application's own, and not checked. Loopback addresses (IP literals and {@code localhost}) and
 * the local transport are allowed: their bytes never leave the machine, which is how the examples
 * and tests run. Everything else needs TLS, or {@code minirpc.allowInsecureCredentials=true}.
 */
final class CleartextCredentials {
  private static final String[] NAMES = {"token", "secret", "password", "credential"};

  /** The credential keys that would go in cleartext; null when nothing is at risk. */
  private final String keys;

  private CleartextCredentials(String keys) {
    this.keys = keys;
  }

  /** The guard for a client with {@code settings}, over a transport {@code local} or not. */
  static CleartextCredentials of(ClientConfig settings, boolean local) {
    if (local || settings.tls().on() || settings.allowInsecureCredentials()) {
      return new CleartextCredentials(null);
    }
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> e : settings.metadata().entrySet()) {
      if (isCredential(e.getKey())) {
        found.add("'" + e.getKey() + "'");
      }
    }
    return new CleartextCredentials(found.isEmpty() ? null : String.join(", ", found));
  }

  static boolean isCredential(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.equals("authorization") || k.equals("proxy-authorization")) {
      return true;
    }
    for (String name : NAMES) {
      if (k.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why this client may not send its credentials to {@code server}, ending in what to do; null
   * when it may.
   */
  String refusal(ServerInstance server) {
    if (keys == null || isLoopback(server.host())) {
      return null;
    }
    return "this client's metadata holds a credential (" + keys + "), and " + Keys.TLS.name()
        + " is off: it would cross the network in cleartext to "
        + LogSafe.escape(server.address(), 300) + ". Turn TLS on (" + Keys.TLS.name() + "=true),"
        + " or set " + Keys.ALLOW_INSECURE_CREDENTIALS.name() + "=true to send it in cleartext"
        + " anyway (only on a network you trust); loopback addresses are allowed";
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
    if (ip == null) {
      return false; // a name: it could resolve anywhere
    }
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
