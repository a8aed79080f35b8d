package io.minirpc;

import io.minirpc.internal.config.Settings;
import java.util.LinkedHashSet;
import java.util.Set;

/** Resolves {@code minirpc.codec.allow} class names, once, at build time. */
final class AllowedClasses {
  private AllowedClasses() {}

  static Set<Class<?>> resolve(Settings settings) {
    Set<Class<?>> out = new LinkedHashSet<>(settings.allowedClasses());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = AllowedClasses.class.getClassLoader();
    }
    for (String name : settings.allowedClassNames()) {
      try {
        out.add(Class.forName(name, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException(
            Settings.ALLOW + " names " + name + ", which is not on the classpath");
      }
    }
    return out;
  }
}
