package io.minirpc.internal.registry;

import io.minirpc.internal.config.Keys;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Resolves {@code minirpc.codec.allow} class names, once, at build time. */
public final class AllowedClasses {
  private AllowedClasses() {}

  public static Set<Class<?>> resolve(List<Class<?>> classes, List<String> names) {
    Set<Class<?>> out = new LinkedHashSet<>(classes);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = AllowedClasses.class.getClassLoader();
    }
    for (String name : names) {
      try {
        out.add(Class.forName(name, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException(
            Keys.ALLOW.name() + " names " + name + ", which is not on the classpath");
      }
    }
    return out;
  }
}
