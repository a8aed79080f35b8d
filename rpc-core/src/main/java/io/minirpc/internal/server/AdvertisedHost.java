package io.minirpc.internal.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host a server publishes in its registry: the configured one; else the bound host when it
 * names one address; else an address of this machine that other machines may reach.
 */
final class AdvertisedHost {
  private static final Logger log = LoggerFactory.getLogger(AdvertisedHost.class);

  private AdvertisedHost() {}

  /**
   * @param configured {@code minirpc.server.advertisedHost}, or null
   * @param bound {@code minirpc.host}, or null for every interface
   */
  static String choose(String configured, String bound) {
    if (configured != null) {
      return configured;
    }
    if (bound != null && !isWildcard(bound)) {
      return bound;
    }
    String found = firstReachable();
    if (found == null) {
      log.warn("This machine has no address but loopback: the registry will say 127.0.0.1,"
          + " which clients on other machines cannot reach. Set"
          + " minirpc.server.advertisedHost");
      return "127.0.0.1";
    }
    return found;
  }

  private static boolean isWildcard(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false; // a name that does not resolve here may still resolve for clients
    }
  }

  /**
   * The first address, by interface index, of an interface that is up and not loopback: IPv4
   * first, then a global IPv6 address; link-local addresses are left out.
   */
  private static String firstReachable() {
    List<NetworkInterface> interfaces;
    try {
      interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
    } catch (SocketException e) {
      return null;
    }
    interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
    List<InetAddress> candidates = new ArrayList<>();
    for (NetworkInterface ni : interfaces) {
      try {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
      } catch (SocketException e) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
          candidates.add(a);
        }
      }
    }
    for (InetAddress a : candidates) {
      if (a instanceof Inet4Address) {
        return a.getHostAddress();
      }
    }
    for (InetAddress a : candidates) {
      String text = a.getHostAddress();
      int scope = text.indexOf('%');
      return scope < 0 ? text : text.substring(0, scope);
    }
    return null;
  }
}
