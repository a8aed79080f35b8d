package io.minirpc.it;

import io.minirpc.internal.registry.MethodDescriptor;
import java.util.ArrayList;
import java.util.List;

/** The services fuzz tests aim at, from this package to theirs: every type the codecs carry. */
public final class FuzzTargets {
  private FuzzTargets() {}

  public static Class<?> typesService() {
    return TypesService.class;
  }

  public static Object typesServiceImpl() {
    return TypesService.echo();
  }

  /** The wire keys of TypesService's methods, {@code echo(java.util.List)} and so on. */
  public static List<String> typesServiceMethods() {
    List<String> keys = new ArrayList<>();
    for (MethodDescriptor d : MethodDescriptor.forService(TypesService.class)) {
      keys.add(d.key());
    }
    return List.copyOf(keys);
  }
}
