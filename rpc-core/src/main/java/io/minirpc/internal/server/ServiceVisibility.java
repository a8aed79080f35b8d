package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.internal.protocol.Hello;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which services a caller may see: those its credential may call, as the authenticator decides
 * when asked about each service with method {@link Authenticator#HANDSHAKE}. The HELLO and the
 * listing both follow it, so a token limited to some services learns nothing of the others.
 * Worked out once per connection (and per listing call), never per call.
 */
final class ServiceVisibility {
  /** Filtered HELLOs kept, one per set of visible services; tokens are few. */
  private static final int MAX_CACHED = 256;

  /** Null: every service is visible. */
  private final Authenticator authenticator;
  private final ConcurrentHashMap<Set<String>, Hello> hellos = new ConcurrentHashMap<>();

  ServiceVisibility(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Whether the client on {@code channel}, with {@code metadata}, may see {@code service}. */
  static boolean allows(Authenticator authenticator, Channel channel, String service,
      Map<String, String> metadata) {
    try {
      authenticator.authenticate(RequestCaller.forService(channel, service, metadata));
      return true;
    } catch (RuntimeException refusedOrBug) {
      return false; // a bug hides the service here; a call to it reports the bug
    }
  }

  /**
   * {@code full}, or a HELLO with only the services the client's credential may call and the
   * shapes they reach, flagged {@link Hello#FLAG_SERVICES_FILTERED}.
   */
  Hello helloFor(Hello full, Channel channel, Map<String, String> metadata) {
    if (authenticator == null) {
      return full;
    }
    Set<String> visible = new LinkedHashSet<>();
    List<Hello.ServiceInfo> services = new ArrayList<>();
    for (Hello.ServiceInfo s : full.services()) {
      if (allows(authenticator, channel, s.name(), metadata)) {
        visible.add(s.name());
        services.add(s);
      }
    }
    if (services.size() == full.services().size()) {
      return full;
    }
    Hello cached = hellos.get(visible);
    if (cached != null) {
      return cached;
    }
    Hello filtered = full.withOnly(services, shapesReached(services, full.shapes()));
    if (hellos.size() < MAX_CACHED) {
      hellos.putIfAbsent(Set.copyOf(visible), filtered);
    }
    return filtered;
  }

  /**
   * The shapes whose classes the methods' signatures name, and those these shapes name in turn.
   * By name: a class whose name contains another's may bring that one's shape along.
   */
  static Map<String, String> shapesReached(List<Hello.ServiceInfo> services,
      Map<String, String> shapes) {
    StringBuilder text = new StringBuilder();
    for (Hello.ServiceInfo s : services) {
      for (Hello.MethodInfo m : s.methods()) {
        text.append(m.signature()).append('\n');
      }
    }
    Map<String, String> reached = new TreeMap<>();
    for (boolean grew = true; grew; ) {
      grew = false;
      for (Map.Entry<String, String> e : shapes.entrySet()) {
        if (!reached.containsKey(e.getKey()) && text.indexOf(e.getKey()) >= 0) {
          reached.put(e.getKey(), e.getValue());
          text.append(e.getValue()).append('\n');
          grew = true;
        }
      }
    }
    return reached;
  }
}
