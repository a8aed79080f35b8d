package io.minirpc.internal.server;

import io.minirpc.RateLimit;
import io.minirpc.internal.config.ServerKeys;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.MethodDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The services a server exposes: service name, then method key, to {@link ServerMethod}. Built
 * once, read-only afterwards, so lookups need no locking.
 */
final class ServiceRegistry {
  private static final int MAX_LISTED = 20;

  private final Map<String, Map<String, ServerMethod>> services;

  ServiceRegistry(
      List<Registration> registrations, Codecs codecs, Map<String, Double> rateLimits) {
    Map<String, Map<String, ServerMethod>> map = new HashMap<>();
    Set<String> unused = new LinkedHashSet<>(rateLimits.keySet());
    for (Registration r : registrations) {
      String service = r.service().getName();
      RateLimiter serviceLimit = limiter(rateLimits, unused, List.of(service),
          r.service().getAnnotation(RateLimit.class), service);
      Map<String, ServerMethod> methods = new HashMap<>();
      for (MethodDescriptor d : MethodDescriptor.forService(r.service())) {
        RateLimiter methodLimit = limiter(rateLimits, unused,
            List.of(service + "#" + d.key(), service + "#" + d.method().getName()),
            d.method().getAnnotation(RateLimit.class), d.displayName());
        methods.put(d.key(),
            new ServerMethod(d, r.implementation(), codecs, methodLimit, serviceLimit));
      }
      map.put(service, Collections.unmodifiableMap(methods));
    }
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("Rate limits set for " + unused + " match no registered"
          + " service or method; write minirpc.server.rateLimit.<interface binary name> or"
          + " ...<interface>#<method name>");
    }
    this.services = Collections.unmodifiableMap(map);
  }

  /** The configured limit (first matching key), else the annotation's, else none. */
  private static RateLimiter limiter(Map<String, Double> configured, Set<String> unused,
      List<String> keys, RateLimit annotation, String what) {
    for (String key : keys) {
      Double rate = configured.get(key);
      if (rate != null) {
        unused.remove(key);
        return new RateLimiter(rate, 0, System::nanoTime,
            what + " is limited to " + format(rate) + " calls per second ("
                + ServerKeys.RATE_LIMIT_PREFIX + key + ")");
      }
    }
    if (annotation != null) {
      return new RateLimiter(annotation.permitsPerSecond(), annotation.burst(), System::nanoTime,
          what + " is limited to " + format(annotation.permitsPerSecond()) + " calls per second"
              + " (@RateLimit; override with " + ServerKeys.RATE_LIMIT_PREFIX + keys.get(0) + ")");
    }
    return null;
  }

  private static String format(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  /** The method, or {@code null} if the service or method is not registered. */
  ServerMethod find(String service, String method) {
    Map<String, ServerMethod> methods = services.get(service);
    return methods == null ? null : methods.get(method);
  }

  /**
   * What the server's HELLO says about its services: every method's fingerprint, and the shape of
   * every application class they reach.
   */
  List<Hello.ServiceInfo> describe(Map<String, String> shapesOut) {
    List<Hello.ServiceInfo> out = new ArrayList<>();
    for (String service : new TreeMap<>(services).keySet()) {
      List<Hello.MethodInfo> methods = new ArrayList<>();
      for (ServerMethod m : new TreeMap<>(services.get(service)).values()) {
        MethodDescriptor d = m.descriptor();
        String signature = Fingerprints.signature(d);
        SortedMap<String, String> shapes = Fingerprints.shapes(d);
        shapesOut.putAll(shapes);
        methods.add(new Hello.MethodInfo(d.key(), signature, Fingerprints.digest(signature, shapes)));
      }
      out.add(new Hello.ServiceInfo(service, methods));
    }
    return out;
  }

  /** Why {@code service.method} was not found, and what the server has instead. */
  String describeMissing(String service, String method) {
    Map<String, ServerMethod> methods = services.get(service);
    if (methods == null) {
      return "service "
          + service
          + " is not registered on the server (registered: "
          + list(new TreeMap<>(services).keySet())
          + "). Check that the server registers it and that both sides use the same interface";
    }
    return "method "
        + service
        + "."
        + method
        + " is not found on the server (its "
        + simpleName(service)
        + " has: "
        + list(new TreeMap<>(methods).keySet())
        + "). Check that client and server use the same version of the interface";
  }

  private static String list(Iterable<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (out.size() == MAX_LISTED) {
        out.add("...");
        break;
      }
      out.add(n);
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  private static String simpleName(String service) {
    int dot = Math.max(service.lastIndexOf('.'), service.lastIndexOf('$'));
    return service.substring(dot + 1);
  }
}
