package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcException;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.JsonSchemas;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ParameterDescription;
import io.minirpc.listing.ServiceDescription;
import io.minirpc.listing.ServiceListing;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The listing service of one server: every description worked out once, by reflection, when the
 * server is built; a call only looks one up. With an authenticator, a caller sees only the
 * services its credential may call, as in its HELLO ({@link ServiceVisibility}).
 */
public final class ListingService implements ServiceListing {
  private final Map<String, ServiceDescription> services;
  /** Null: every caller sees every service. */
  private final Authenticator authenticator;

  /** @param services every interface the server serves, this one included */
  public ListingService(List<Class<?>> services) {
    this(services, null);
  }

  /**
   * @param services every interface the server serves, this one included
   * @param authenticator the server's, deciding which services each caller sees; null for none
   */
  public ListingService(List<Class<?>> services, Authenticator authenticator) {
    this.authenticator = authenticator;
    Map<String, ServiceDescription> map = new TreeMap<>();
    for (Class<?> service : services) {
      List<MethodDescription> methods = new ArrayList<>();
      for (MethodDescriptor d : MethodDescriptor.forService(service)) {
        methods.add(describe(d));
      }
      map.put(service.getName(), new ServiceDescription(service.getName(), List.copyOf(methods)));
    }
    this.services = java.util.Collections.unmodifiableMap(map);
  }

  private static MethodDescription describe(MethodDescriptor d) {
    List<ParameterDescription> params = new ArrayList<>();
    Parameter[] reflected = d.method().getParameters();
    for (int i = 0; i < d.parameterCount(); i++) {
      params.add(new ParameterDescription(reflected[i].getName(),
          d.parameterType(i).getTypeName(), JsonSchemas.of(d.parameterType(i))));
    }
    String signature = Fingerprints.signature(d);
    SortedMap<String, String> shapes = Fingerprints.shapes(d);
    return new MethodDescription(d.key(), signature, List.copyOf(params),
        d.resultType().getTypeName(), JsonSchemas.of(d.resultType()), d.isAsync(),
        Fingerprints.digest(signature, shapes));
  }

  @Override
  public List<String> services() {
    return visible();
  }

  @Override
  public ServiceDescription describe(String service) {
    ServiceDescription d = service == null ? null : services.get(service);
    // One the caller may not see is one it is told does not exist.
    if (d == null || (authenticator != null && !visible(service))) {
      throw new RpcException(RpcException.Code.NOT_FOUND, "the server has no service '" + service
          + "' (it serves: " + String.join(", ", visible()) + ")");
    }
    return d;
  }

  private List<String> visible() {
    if (authenticator == null) {
      return List.copyOf(services.keySet());
    }
    List<String> out = new ArrayList<>();
    for (String s : services.keySet()) {
      if (visible(s)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** Whether the current call's caller may see {@code service}; outside a call, no. */
  private boolean visible(String service) {
    return CurrentCall.get() instanceof InboundCall call
        && ServiceVisibility.allows(authenticator, call.channel(), service, call.metadata());
  }
}
