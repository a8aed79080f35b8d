package io.minirpc.discovery.zookeeper;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;

/**
 * An incompatible version of {@link Greeter} under the same name ({@code add} returns {@code
 * long}), compiled at test time and loaded child-first, so that one JVM runs servers of both.
 */
final class GreeterV2 {
  private static final String NAME = Greeter.class.getName();
  private static final String SOURCE = "package io.minirpc.discovery.zookeeper;\n"
      + "public interface Greeter {\n"
      + "  String greet(String name);\n"
      + "  long add(int a, int b);\n"
      + "  String slowGreet(String name, int millis);\n"
      + "}\n";

  private GreeterV2() {}

  /** The version 2 interface. */
  static Class<?> type() throws IOException, ClassNotFoundException {
    Path dir = Files.createTempDirectory("minirpc-greeter-v2");
    Path source = Files.createDirectories(dir.resolve("io/minirpc/discovery/zookeeper"))
        .resolve("Greeter.java");
    Files.writeString(source, SOURCE);
    int rc = ToolProvider.getSystemJavaCompiler()
        .run(null, null, null, "-d", dir.toString(), source.toString());
    if (rc != 0) {
      throw new IllegalStateException("javac failed with " + rc);
    }
    ClassLoader childFirst = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        GreeterV2.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(NAME)) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          return c != null ? c : findClass(name);
        }
      }
    };
    return childFirst.loadClass(NAME);
  }

  /** An implementation of version 2. */
  static Object impl(Class<?> type) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "greet", "slowGreet" -> "hello " + args[0];
          case "add" -> (long) (Integer) args[0] + (Integer) args[1];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
