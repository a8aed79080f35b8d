package io.minirpc.internal.config;

import java.util.Objects;

/** A server's address as {@code minirpc.address} gives it; the host may be a name or an IP. */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host == null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port (" + port + ") must be between 0 and 65535");
    }
  }
}
