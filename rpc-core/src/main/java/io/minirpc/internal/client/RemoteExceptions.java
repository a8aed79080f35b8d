package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

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

  /**
   * The exception of an ERROR frame: for a declared one, with the fields the frame's body carries
   * (see {@link RemoteFields}).
   */
  static Throwable rebuild(ErrorInfo info, ClientMethod method, Frame frame) {
    RpcException.Code code = RpcException.Code.fromWireNumber(info.code());
    String prefix = method.callPrefix() + "failed: ";
    if (code != RpcException.Code.APPLICATION || info.exceptionClass().isEmpty()) {
      RpcException e = new RpcException(code, prefix + info.message());
      return withRemoteStack(e, info);
    }
    Object rebuilt = instantiate(info, method, frame);
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
  private static Object instantiate(ErrorInfo info, ClientMethod method, Frame frame) {
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
    RemoteFields.Decoded fields = RemoteFields.decode(type, frame, method);
    try {
      // Only a class the method declares is built from its fields; any other, named by the
      // server, only through the message constructors, as it always was.
      Throwable t = construct(type, message, fields.values(), method.descriptor().declares(type));
      if (t == null) {
        return "it has no constructor that takes a message (String), a message and a cause"
            + " (String, Throwable), nothing, or values of its own fields";
      }
      if (message != null && !message.equals(t.getMessage())) {
        t.addSuppressed(new RpcException(RpcException.Code.APPLICATION,
            "The server's message: " + message));
      }
      RemoteFields.apply(t, fields, method);
      return t;
    } catch (InvocationTargetException e) {
      return "its constructor threw " + e.getCause();
    } catch (InstantiationException | IllegalAccessException | RuntimeException | LinkageError e) {
      return "it cannot be constructed here (" + e + ")";
    }
  }

  /**
   * An instance of {@code type}, through the first constructor of: one whose parameters all name
   * its fields (compiled with {@code -parameters}), given the decoded {@code fields}; a message
   * constructor; one with a message and a cause; one without arguments; one whose parameters
   * each have a type only one field has. Exception classes are often nested and not public; the checks
   * of {@link #instantiate} already limit what may be constructed here. Null if none fits.
   */
  private static Throwable construct(Class<?> type, String message, Map<String, Object> fields,
      boolean declared)
      throws InstantiationException, IllegalAccessException, InvocationTargetException {
    Constructor<?>[] constructors = declared ? type.getDeclaredConstructors() : new Constructor<?>[0];
    for (Constructor<?> candidate : constructors) {
      // With -parameters, a constructor that names the fields says what each argument is.
      Object[] args = named(candidate) ? fieldArguments(candidate, type, fields, message) : null;
      if (args != null && candidate.getParameterCount() > 0) {
        return (Throwable) construct(candidate, args);
      }
    }
    Constructor<?> c = declared(type, String.class);
    if (c != null) {
      return (Throwable) construct(c, message);
    }
    c = declared(type, String.class, Throwable.class);
    if (c != null) {
      return (Throwable) construct(c, message, null);
    }
    c = declared(type);
    if (c != null) {
      return (Throwable) construct(c);
    }
    for (Constructor<?> candidate : constructors) {
      Object[] args = fieldArguments(candidate, type, fields, message);
      if (args != null) {
        return (Throwable) construct(candidate, args);
      }
    }
    return null;
  }

  private static boolean named(Constructor<?> c) {
    for (java.lang.reflect.Parameter p : c.getParameters()) {
      if (!p.isNamePresent()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The arguments of {@code c} taken from the decoded fields (a field that did not come gets its
   * missing value), the server's message for one {@code String} parameter that sets no field,
   * and no cause for a {@code Throwable} one; null if another parameter sets no field.
   */
  private static Object[] fieldArguments(Constructor<?> c, Class<?> type,
      Map<String, Object> fields, String message) {
    java.lang.reflect.Parameter[] parameters = c.getParameters();
    Object[] args = new Object[parameters.length];
    boolean messageGiven = false;
    for (int i = 0; i < parameters.length; i++) {
      java.lang.reflect.Field field = fieldFor(parameters[i], type);
      if (field == null && parameters[i].getType() == String.class && !messageGiven) {
        args[i] = message;
        messageGiven = true;
        continue;
      }
      if (field == null && Throwable.class.isAssignableFrom(parameters[i].getType())) {
        continue; // the cause stays on the server
      }
      if (field == null) {
        return null;
      }
      Object v = fields.get(field.getName());
      args[i] = v == null ? io.minirpc.codec.MissingValues.of(parameters[i].getType()) : v;
    }
    return args;
  }

  /** The field a constructor parameter sets: by its name if compiled in, else by unique type. */
  private static java.lang.reflect.Field fieldFor(java.lang.reflect.Parameter p, Class<?> type) {
    java.lang.reflect.Field byType = null;
    for (Class<?> k = type; k != null && k != Throwable.class; k = k.getSuperclass()) {
      for (java.lang.reflect.Field f : k.getDeclaredFields()) {
        if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        if (p.isNamePresent() && f.getName().equals(p.getName()) && f.getType() == p.getType()) {
          return f;
        }
        if (!p.isNamePresent() && f.getType() == p.getType()) {
          if (byType != null) {
            return null; // two fields of that type: which one is not known
          }
          byType = f;
        }
      }
    }
    return byType;
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
