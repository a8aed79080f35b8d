package io.minirpc.it.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Version 2 of {@link Inventory} and {@link Item}, compiled from source at test time and loaded
 * child-first, so that one JVM holds both versions under the same names: the client's in the
 * test class path, the server's in its own class loader.
 */
public final class ServerVersion {
  private static final Map<String, String> SOURCES = Map.of(
      "Inventory",
      "package io.minirpc.it.versions;\n"
          + "public interface Inventory {\n"
          + "  String ping(String message);\n"
          + "  long count();\n"
          + "  Item find(String name);\n"
          + "  void restock(String name, int quantity);\n"
          + "}\n",
      "Item",
      "package io.minirpc.it.versions;\n"
          + "public record Item(String name, String quantity, String warehouse) {}\n");

  private ServerVersion() {}

  /** The version 2 interface. */
  public static Class<?> inventory() {
    try {
      Path dir = Files.createTempDirectory("minirpc-v2");
      Path pkg = Files.createDirectories(dir.resolve("io/minirpc/it/versions"));
      for (Map.Entry<String, String> e : SOURCES.entrySet()) {
        Files.writeString(pkg.resolve(e.getKey() + ".java"), e.getValue());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      int rc = javac.run(null, null, null, "-d", dir.toString(),
          pkg.resolve("Inventory.java").toString(), pkg.resolve("Item.java").toString());
      if (rc != 0) {
        throw new IllegalStateException("javac failed with " + rc);
      }
      ClassLoader loader = new ChildFirst(new URL[] {dir.toUri().toURL()},
          ServerVersion.class.getClassLoader());
      return loader.loadClass("io.minirpc.it.versions.Inventory");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An implementation of version 2: ping answers, the rest is never reached in the tests. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Object implementation(Class<?> inventory) {
    return Proxy.newProxyInstance(inventory.getClassLoader(), new Class<?>[] {inventory},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "ping":
              return "pong: " + args[0];
            case "count":
              return 42L;
            default:
              throw new IllegalStateException(method.getName() + " must not be reached");
          }
        });
  }

  /** Loads this package's versioned classes itself; everything else from the parent. */
  private static final class ChildFirst extends URLClassLoader {
    private static final List<String> OWN =
        List.of("io.minirpc.it.versions.Inventory", "io.minirpc.it.versions.Item");

    ChildFirst(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!OWN.contains(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
