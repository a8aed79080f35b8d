package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.HostPort;
import io.minirpc.internal.config.Target;

/**
 * What a client's {@code build()} refuses before any thread exists, so that a mistake in its
 * settings leaves nothing behind: no address, port 0, credentials that would go in cleartext,
 * more than one codec.
 */
final class ClientChecks {
  private ClientChecks() {}

  /** The client's target, checked. */
  static Target target(ClientConfig settings) {
    Target target = settings.target();
    if (target == null) {
      throw new IllegalStateException(
          "The server address is not set: call address(host, port) or set minirpc.address");
    }
    for (HostPort a : target.addresses()) {
      if (a.port() == 0) {
        throw new IllegalStateException("The server address " + a.host() + ":0 has port 0: give"
            + " the port the server is listening on");
      }
    }
    return target;
  }

  /** Refuses a fixed address to which {@code cleartext} would send credentials unencrypted. */
  static void noCleartextCredentials(Target target, CleartextCredentials cleartext) {
    if (target.uri() != null || target.localName() != null) {
      return; // resolved later; each server found is checked then
    }
    for (HostPort a : target.addresses()) {
      String why = cleartext.refusal(ServerInstance.of(a.host(), a.port()));
      if (why != null) {
        throw new IllegalArgumentException("The client refuses to send credentials in"
            + " cleartext: " + why);
      }
    }
  }

  /** The one codec the client speaks: minirpc.codec's, else the installed default. */
  static String codecName(ClientConfig settings) {
    if (settings.codecs().size() > 1) {
      throw new IllegalArgumentException(
          "A client speaks one codec, but minirpc.codec lists " + settings.codecs());
    }
    return settings.codecs().isEmpty()
        ? io.minirpc.internal.registry.CodecRegistry.installed().defaultName()
        : settings.codecs().get(0);
  }
}
