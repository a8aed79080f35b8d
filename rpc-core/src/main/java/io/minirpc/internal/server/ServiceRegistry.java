package io.minirpc.internal.server;

import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.MethodDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The services a server exposes: service name, then method key, to {@link ServerMethod}. Built
 * once, read-only afterwards, so lookups need no locking.
 */
final class ServiceRegistry {
  private static final int MAX_LISTED = 20;

  private final Map<String, Map<String, ServerMethod>> services;

  ServiceRegistry(List<Registration> registrations, Codecs codecs) {
    Map<String, Map<String, ServerMethod>> map = new HashMap<>();
    for (Registration r : registrations) {
      Map<String, ServerMethod> methods = new HashMap<>();
      for (MethodDescriptor d : MethodDescriptor.forService(r.service())) {
        methods.put(d.key(), new ServerMethod(d, r.implementation(), codecs));
      }
      map.put(r.service().getName(), Collections.unmodifiableMap(methods));
    }
    this.services = Collections.unmodifiableMap(map);
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
