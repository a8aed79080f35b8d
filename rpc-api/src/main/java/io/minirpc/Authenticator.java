package io.minirpc;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a call may run, before any of its arguments is decoded: a refused call costs
 * the server no decoding and no worker, so a peer without credentials cannot reach the codecs.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .authenticator(BearerTokenAuthenticator.builder().token(secret).build())
 *     ...
 * }</pre>
 *
 * <p>It runs on the server's I/O thread for every request, after the request's header is read
 * and before the method is even looked up (so an unauthenticated peer cannot learn which services
 * exist): it must be fast and must not block; cache what it looks up. To refuse, throw an {@link
 * RpcException} with code {@link RpcException.Code#UNAUTHENTICATED} (who is calling is not known)
 * or {@link RpcException.Code#PERMISSION_DENIED} (the caller may not call this); its message
 * reaches the caller, so it must not echo the credential.
 *
 * <p>It also runs once for each connection's handshake, with the client's static metadata
 * ({@code minirpc.metadata.*}, where a bearer token usually is), and {@link Caller#isHandshake()}
 * true: {@link Caller#service()} and {@link Caller#method()} are then {@link #HANDSHAKE}, the empty
 * string. Accept the handshake when the credential is good, whatever it may call: the client then
 * learns the server's services and their signatures (to check its own against them before
 * sending), and may send frames up to the maximum frame size. Which services it learns of (in the
 * handshake and from the listing service) is asked once per service, with that {@link
 * Caller#service()}, {@link Caller#method()} {@link #HANDSHAKE} and the same metadata: those it
 * refuses are left out, as if they did not exist. A refused handshake only withholds
 * those: the client's calls are still sent and judged one by one, and the connection takes frames
 * up to {@code minirpc.server.maxPreHelloFrameSize} (64 KiB) until one of them is accepted.
 */
@FunctionalInterface
public interface Authenticator {
  /** The service and the method a {@link Caller} names at a connection's handshake: "". */
  String HANDSHAKE = "";

  /**
   * Accepts the call by returning, refuses it by throwing.
   *
   * @param caller what the server knows of the call before decoding it
   * @throws RpcException to refuse the call
   */
  void authenticate(Caller caller);

  /** What the server knows of a call before it decodes anything. */
  interface Caller {
    /** The remote address of the connection. */
    SocketAddress remoteAddress();

    /** The client's certificate, when the connection uses TLS and the client showed one. */
    Optional<X509Certificate> peerCertificate();

    /**
     * The service's binary name, as the request names it: {@code com.example.Orders}; {@link
     * #HANDSHAKE} at the handshake.
     */
    String service();

    /**
     * The method as the request names it, with parameter types: {@code place(com.example.Order)};
     * {@link #HANDSHAKE} at the handshake.
     */
    String method();

    /** The call's metadata as sent (at the handshake, the client's static one); unmodifiable. */
    Map<String, String> metadata();

    /**
     * Whether this is a connection's handshake rather than a call: the client asks to see the
     * server's services, and names none.
     */
    default boolean isHandshake() {
      return service().equals(HANDSHAKE);
    }
  }
}
