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
 */
@FunctionalInterface
public interface Authenticator {
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

    /** The service's binary name, as the request names it: {@code com.example.Orders}. */
    String service();

    /** The method as the request names it, with parameter types: {@code place(com.example.Order)}. */
    String method();

    /** The call's metadata, as sent; unmodifiable. */
    Map<String, String> metadata();
  }
}
