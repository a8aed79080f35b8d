package io.minirpc.internal.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What the per-address limits count as one client host: an IPv4 address, or an IPv6 /64 (one
 * host is given a whole /64, and may use any address in it). An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is its IPv4 address.
 */
final class AddressGroup {
  private AddressGroup() {}

  /** The group of {@code a}, or null if it is no IP socket address (the local transport). */
  static InetAddress of(SocketAddress a) {
    if (!(a instanceof InetSocketAddress)) {
      return null;
    }
    InetAddress address = ((InetSocketAddress) a).getAddress();
    return address == null ? null : of(address);
  }

  static InetAddress of(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    try {
      if (isIpv4Mapped(b)) {
        return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
      }
      Arrays.fill(b, 8, 16, (byte) 0);
      return Inet6Address.getByAddress(null, b, -1);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /** "192.0.2.1", or "2001:db8:0:0:0:0:0:0/64". */
  static String describe(InetAddress group) {
    return group instanceof Inet4Address ? group.getHostAddress() : group.getHostAddress() + "/64";
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
