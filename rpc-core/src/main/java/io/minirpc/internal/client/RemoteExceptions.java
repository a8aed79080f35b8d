package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Turns an ERROR frame back into the exception the caller should see: the implementation's own
 * exception class when the client has it and may throw it from this method, otherwise an {@link
 * RpcException} that names the remote class and message.
 *
 * <p>Only subclasses of {@link Exception} are rebuilt, and a checked one only if the interface
 * method declares it: the server names the class, so it must not be able to make the client
 * construct anything else. The class is loaded without running its static initializer unless it
 * passes those checks.
 */
final class RemoteExceptions {
  private RemoteExceptions() {}

  static Throwable rebuild(ErrorInfo info, ClientMethod method) {
    RpcException.Code code = RpcException.Code.fromWireNumber(info.code());
    String prefix = method.callPrefix() + "failed: ";
    if (code != RpcException.Code.APPLICATION || info.exceptionClass().isEmpty()) {
      RpcException e = new RpcException(code, prefix + info.message());
      return withRemoteStack(e, info);
    }
    Object rebuilt = instantiate(info, method);
    if (rebuilt instanceof Throwable t) {
      t.setStackTrace(info.stackTrace().toArray(new StackTraceElement[0]));
      t.addSuppressed(
          new RpcException(
              RpcException.Code.APPLICATION,
              "Thrown remotely by " + method.descriptor().displayName()
                  + "; the stack trace above is the server's"));
      return t;
    }
    String remoteMessage = info.message().isEmpty() ? "" : ": " + info.message();
    RpcException e =
        new RpcException(
            RpcException.Code.APPLICATION,
            prefix
                + "the implementation threw "
                + info.exceptionClass()
                + remoteMessage
                + " (not rebuilt on the client: "
                + rebuilt
                + ")");
    return withRemoteStack(e, info);
  }

  private static RpcException withRemoteStack(RpcException e, ErrorInfo info) {
    if (!info.stackTrace().isEmpty()) {
      RpcException remote = new RpcException(e.code(), "remote stack trace");
      remote.setStackTrace(info.stackTrace().toArray(new StackTraceElement[0]));
      e.addSuppressed(remote);
    }
    return e;
  }

  /**
   * The exception the server named, built with its message; or, when it cannot be, why not in
   * words that follow "not rebuilt on the client: ".
   */
  private static Object instantiate(ErrorInfo info, ClientMethod method) {
    Class<?> type;
    try {
      ClassLoader loader = method.descriptor().service().getClassLoader();
      type = Class.forName(info.exceptionClass(), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return "the class is not on the client's classpath";
    }
    if (!Exception.class.isAssignableFrom(type)) {
      return "it is not an Exception, and only Exceptions are rebuilt";
    }
    if (!RuntimeException.class.isAssignableFrom(type) && !method.descriptor().declares(type)) {
      return "it is a checked exception that " + method.descriptor().displayName()
          + " does not declare, so it cannot be thrown from there";
    }
    String message = info.message().isEmpty() ? null : info.message();
    try {
      // Exception classes are often nested and not public; the checks above already limit what
      // may be constructed here. A message constructor first; else one with a message and a
      // cause; else one without arguments, whose own message may differ from the server's.
      Constructor<?> c = declared(type, String.class);
      if (c != null) {
        return construct(c, message);
      }
      c = declared(type, String.class, Throwable.class);
      if (c != null) {
        return construct(c, message, null);
      }
      c = declared(type);
      if (c != null) {
        Throwable t = (Throwable) construct(c);
        if (message != null && !message.equals(t.getMessage())) {
          t.addSuppressed(new RpcException(RpcException.Code.APPLICATION,
              "The server's message: " + message));
        }
        return t;
      }
      return "it has no constructor that takes a message (String), a message and a cause"
          + " (String, Throwable), or nothing";
    } catch (InvocationTargetException e) {
      return "its constructor threw " + e.getCause();
    } catch (InstantiationException | IllegalAccessException | RuntimeException | LinkageError e) {
      return "it cannot be constructed here (" + e + ")";
    }
  }

  /** The constructor of {@code type} with exactly these parameters, or null. */
  private static Constructor<?> declared(Class<?> type, Class<?>... parameters) {
    try {
      return type.getDeclaredConstructor(parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Object construct(Constructor<?> c, Object... args)
      throws InstantiationException, IllegalAccessException, InvocationTargetException {
    c.setAccessible(true);
    return c.newInstance(args);
  }
}
