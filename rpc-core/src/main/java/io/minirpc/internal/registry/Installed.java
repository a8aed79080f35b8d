package io.minirpc.internal.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The implementations of a minirpc SPI on the classpath, found with {@link ServiceLoader}: those
 * the thread's context class loader sees (an application server's, a test framework's), else,
 * when it sees none, those of the class loader that loaded minirpc.
 */
final class Installed {
  private Installed() {}

  /**
   * @param what the kind of provider, for the message of a broken one: "codec provider"
   * @throws IllegalStateException if a provider listed on the classpath cannot be loaded
   */
  static <T> List<T> load(Class<T> type, String what) {
    ClassLoader own = Installed.class.getClassLoader();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = own;
    }
    List<T> found = new ArrayList<>();
    try {
      ServiceLoader.load(type, loader).forEach(found::add);
      if (found.isEmpty() && loader != own) {
        ServiceLoader.load(type, own).forEach(found::add);
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("A " + what + " on the classpath is broken: " + e, e);
    }
    return found;
  }
}
