package io.minirpc.cli;

import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ParameterDescription;
import io.minirpc.listing.ServiceDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Finding a service and a method from what a person typed. */
final class Methods {
  private Methods() {}

  /** A service and, if one was named, a method name or key. */
  static final class Target {
    final ServiceDescription service;
    final String method;

    Target(ServiceDescription service, String method) {
      this.service = service;
      this.method = method;
    }
  }

  /**
   * {@code Service}, {@code Service.method} or {@code Service.method(int,int)}, the service by
   * full or simple name. A name that is a service is a service, even if it has dots.
   */
  static Target target(Remote remote, String text) {
    int paren = text.indexOf('(');
    List<String> services = remote.services();
    if (paren < 0 && (services.contains(text) || text.indexOf('.') < 0)) {
      return new Target(remote.describe(text), null);
    }
    int dot = text.lastIndexOf('.', paren < 0 ? text.length() : paren);
    if (dot <= 0 || dot == text.length() - 1) {
      throw new Failure(Minirpc.USAGE, "'" + text + "' is not SERVICE.METHOD, such as"
          + " Calculator.add or com.example.Calculator.add(int,int)");
    }
    return new Target(remote.describe(text.substring(0, dot)), text.substring(dot + 1));
  }

  /** The methods a name (every overload) or a key names. */
  static List<MethodDescription> named(ServiceDescription service, String method) {
    List<MethodDescription> out = new ArrayList<>();
    for (MethodDescription m : service.methods()) {
      if (m.key().equals(method) || name(m).equals(method)) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      List<String> keys = new ArrayList<>();
      for (MethodDescription m : service.methods()) {
        keys.add(m.key());
      }
      throw new Failure(Minirpc.NOT_FOUND, service.name() + " has no method '" + method
          + "' (it has: " + String.join(", ", keys) + ")");
    }
    return out;
  }

  static String name(MethodDescription m) {
    return m.key().substring(0, m.key().indexOf('('));
  }

  /** {@code int add(int a, int b)}: the signature with the parameters' names. */
  static String signature(MethodDescription m) {
    StringJoiner params = new StringJoiner(", ", name(m) + "(", ")");
    for (ParameterDescription p : m.parameters()) {
      params.add(p.type() + " " + p.name());
    }
    return m.resultType() + " " + params;
  }
}
