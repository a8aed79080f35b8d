package io.minirpc.listing;

import io.minirpc.RpcException;
import io.minirpc.runtime.MethodShape;
import io.minirpc.runtime.ServiceCatalog;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The listing service of one server: every description worked out once, by reflection, when the
 * server is built; a call only looks one up. With an authenticator, a caller sees only the
 * services its credential may call, as in its HELLO ({@link ServiceCatalog#callerMaySee}).
 */
final class ListingService implements ServiceListing {
  private final Map<String, ServiceDescription> services;
  private final ServiceCatalog catalog;

  ListingService(ServiceCatalog catalog) {
    this.catalog = catalog;
    Map<String, ServiceDescription> map = new TreeMap<>();
    for (Class<?> service : catalog.services()) {
      List<MethodDescription> methods = new ArrayList<>();
      for (MethodShape m : catalog.methods(service)) {
        methods.add(describe(m));
      }
      map.put(service.getName(), new ServiceDescription(service.getName(), List.copyOf(methods)));
    }
    this.services = Collections.unmodifiableMap(map);
  }

  private static MethodDescription describe(MethodShape m) {
    List<ParameterDescription> params = new ArrayList<>();
    Parameter[] reflected = m.method().getParameters();
    List<Type> types = m.parameterTypes();
    for (int i = 0; i < types.size(); i++) {
      params.add(new ParameterDescription(reflected[i].getName(), types.get(i).getTypeName(),
          JsonSchemas.of(itemsOf(types.get(i)))));
    }
    Type result = m.resultType();
    return new MethodDescription(m.key(), m.signature(), List.copyOf(params),
        result.getTypeName(), JsonSchemas.of(itemsOf(result)), m.async(), m.digest());
  }

  /**
   * What a schema describes for {@code type}: a stream's items (what each of them is, as they
   * are read or sent one by one), else the type itself.
   */
  private static Type itemsOf(Type type) {
    return type instanceof java.lang.reflect.ParameterizedType p
        && p.getRawType() == java.util.concurrent.Flow.Publisher.class
        ? p.getActualTypeArguments()[0] : type;
  }

  @Override
  public List<String> services() {
    return visible();
  }

  @Override
  public ServiceDescription describe(String service) {
    ServiceDescription d = service == null ? null : services.get(service);
    // One the caller may not see is one it is told does not exist.
    if (d == null || !catalog.callerMaySee(service)) {
      throw new RpcException(RpcException.Code.NOT_FOUND, "the server has no service '" + service
          + "' (it serves: " + String.join(", ", visible()) + ")");
    }
    return d;
  }

  private List<String> visible() {
    List<String> out = new ArrayList<>();
    for (String s : services.keySet()) {
      if (catalog.callerMaySee(s)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }
}
