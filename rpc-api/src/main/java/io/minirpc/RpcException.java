package io.minirpc;

import java.util.Objects;

/**
 * The one exception type minirpc throws from a remote call, with a {@link Code} that says what kind
 * of failure it was.
 *
 * <pre>{@code
 * try {
 *   calc.add(1, 2);
 * } catch (RpcException e) {
 *   if (e.code() == RpcException.Code.TIMEOUT) { ... retry or give up ... }
 * }
 * }</pre>
 *
 * <p>An exception thrown by the remote implementation is not wrapped when it can be rebuilt on the
 * client: see {@link Code#APPLICATION}. Messages say which service and method, which address,
 * what happened and what to check.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * What kind of failure a call met. Each code has a stable number that travels in error frames;
   * numbers are never reused, and a code never relies on its declaration order.
   */
  public enum Code {
    /** The call was cancelled by the caller, or the client was closed while it was pending. */
    CANCELLED(1),
    /**
     * The remote implementation threw an exception that could not be rebuilt on the client: its
     * class is not on the client's classpath, is a checked exception the method does not declare,
     * or has no constructor that takes a message, a message and a cause, or nothing. The message
     * contains the remote class name and message, and which of these it was.
     */
    APPLICATION(2),
    /** A value could not be encoded or decoded: a type mismatch, corrupt bytes, a refused class. */
    CODEC(3),
    /** The call did not complete within its timeout. */
    TIMEOUT(4),
    /** The server does not know the service or method: check both sides use the same interface. */
    NOT_FOUND(5),
    /**
     * The caller is known but not allowed to make this call; thrown by authorization code, such
     * as a server interceptor ({@code io.minirpc.ServerInterceptor}).
     */
    PERMISSION_DENIED(7),
    /**
     * The server is overloaded (its executor is full), or a message is larger than the maximum
     * frame size.
     */
    RESOURCE_EXHAUSTED(8),
    /** A bug or broken invariant in minirpc itself, or a protocol violation by the peer. */
    INTERNAL(13),
    /** The server cannot be reached, or the connection was lost while the call was pending. */
    UNAVAILABLE(14),
    /**
     * The call carries no valid credentials; thrown by authentication code, such as a server
     * interceptor ({@code io.minirpc.ServerInterceptor}) checking a token in the metadata.
     */
    UNAUTHENTICATED(16);

    private final int wireNumber;

    Code(int wireNumber) {
      this.wireNumber = wireNumber;
    }

    /**
     * The number that represents this code on the wire; stable across versions.
     *
     * @return the wire number, such as 4 for {@link #TIMEOUT}
     */
    public int wireNumber() {
      return wireNumber;
    }

    /**
     * The code with the given wire number, or {@link #INTERNAL} for a number this version does not
     * know (a newer peer may send codes added later).
     *
     * @param wireNumber a number read from an error frame
     * @return the code with that number, or {@link #INTERNAL}
     */
    public static Code fromWireNumber(int wireNumber) {
      for (Code code : values()) {
        if (code.wireNumber == wireNumber) {
          return code;
        }
      }
      return INTERNAL;
    }
  }

  /** What kind of failure this is; never null. */
  private final Code code;

  /**
   * Creates an exception with a code and a message that says what happened and what to check.
   *
   * @param code what kind of failure this is; not null
   * @param message what happened, where, and what to check
   */
  public RpcException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code == null");
  }

  /**
   * Creates an exception with a code, a message, and the failure that caused it.
   *
   * @param code what kind of failure this is; not null
   * @param message what happened, where, and what to check
   * @param cause the failure that caused it, or null
   */
  public RpcException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code == null");
  }

  /**
   * What kind of failure this is.
   *
   * @return the code; never null
   */
  public Code code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + code + ": " + getMessage();
  }
}
