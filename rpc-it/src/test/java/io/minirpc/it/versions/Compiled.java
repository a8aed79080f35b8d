package io.minirpc.it.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * One version of an application's classes, compiled from source at test time into its own
 * directory and loaded by its own class loader: two versions of the same classes, under the same
 * names, in one JVM, as a client and a server deployed apart would have them.
 */
public final class Compiled {
  private final ClassLoader loader;

  private Compiled(ClassLoader loader) {
    this.loader = loader;
  }

  /**
   * Compiles {@code sources} (file name without {@code .java}, to its text) of package {@code
   * pkg}, with {@code -parameters} and minirpc's API on the class path.
   */
  public static Compiled of(String pkg, Map<String, String> sources) {
    try {
      Path dir = Files.createTempDirectory("minirpc-version");
      Path pkgDir = Files.createDirectories(dir.resolve(pkg.replace('.', '/')));
      List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-parameters",
          "-classpath", Path.of(io.minirpc.Fallback.class.getProtectionDomain().getCodeSource()
              .getLocation().toURI()).toString()));
      for (Map.Entry<String, String> e : sources.entrySet()) {
        Path file = pkgDir.resolve(e.getKey() + ".java");
        Files.writeString(file, "package " + pkg + ";\n" + e.getValue());
        args.add(file.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      int rc = javac.run(null, null, null, args.toArray(new String[0]));
      if (rc != 0) {
        throw new IllegalStateException("javac failed with " + rc);
      }
      return new Compiled(new URLClassLoader(new URL[] {dir.toUri().toURL()},
          Compiled.class.getClassLoader()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The class {@code name} of this version. */
  public Class<?> type(String name) {
    try {
      return loader.loadClass(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new instance of class {@code name}, through its no-argument constructor. */
  public Object create(String name) {
    try {
      return type(name).getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Calls static method {@code method} of class {@code type}, without arguments. */
  public Object call(String type, String method) {
    try {
      return type(type).getMethod(method).invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Calls {@code method} on {@code target} (a proxy of this version's interface), as the
   * application would; what the call throws is thrown as it is.
   */
  public static Object invoke(Object target, String method, Object... args) throws Throwable {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        try {
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new IllegalArgumentException("no method " + method);
  }
}
