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
    Throwable rebuilt = instantiate(info, method);
    if (rebuilt != null) {
      rebuilt.setStackTrace(info.stackTrace().toArray(new StackTraceElement[0]));
      rebuilt.addSuppressed(
          new RpcException(
              RpcException.Code.APPLICATION,
              "Thrown remotely by " + method.descriptor().displayName()
                  + "; the stack trace above is the server's"));
      return rebuilt;
    }
    String remoteMessage = info.message().isEmpty() ? "" : ": " + info.message();
    RpcException e =
        new RpcException(
            RpcException.Code.APPLICATION,
            prefix
                + "the implementation threw "
                + info.exceptionClass()
                + remoteMessage
                + " (that class is not on the client's classpath, or cannot be thrown from this"
                + " method; the exception was not rebuilt)");
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

  private static Throwable instantiate(ErrorInfo info, ClientMethod method) {
    Class<?> type;
    try {
      ClassLoader loader = method.descriptor().service().getClassLoader();
      type = Class.forName(info.exceptionClass(), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    if (!Exception.class.isAssignableFrom(type)) {
      return null;
    }
    if (!RuntimeException.class.isAssignableFrom(type) && !method.descriptor().declares(type)) {
      return null;
    }
    try {
      // Exception classes are often nested and not public; the checks above already limit what
      // may be constructed here.
      Constructor<?> c = type.getDeclaredConstructor(String.class);
      c.setAccessible(true);
      return (Throwable) c.newInstance(info.message().isEmpty() ? null : info.message());
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException
        | RuntimeException
        | LinkageError e) {
      return null;
    }
  }
}
