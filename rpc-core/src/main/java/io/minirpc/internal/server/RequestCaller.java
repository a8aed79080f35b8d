package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.internal.protocol.RequestHeader;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What an {@link Authenticator} sees of a request (its header and its connection) or of a
 * connection's handshake (the client's metadata, and {@link Authenticator#HANDSHAKE} for service
 * and method).
 */
final class RequestCaller implements Authenticator.Caller {
  private final Channel channel;
  private final String service;
  private final String method;
  private final Map<String, String> metadata;
  /** Known, not guessed from an empty service name, which a request could carry too. */
  private final boolean handshake;

  RequestCaller(Channel channel, RequestHeader header) {
    this(channel, header.service(), header.method(), header.metadata(), false);
  }

  private RequestCaller(Channel channel, String service, String method,
      Map<String, String> metadata, boolean handshake) {
    this.channel = channel;
    this.service = service;
    this.method = method;
    this.metadata = metadata;
    this.handshake = handshake;
  }

  /**
   * A question about {@code service} as a whole, method {@link Authenticator#HANDSHAKE}: may the
   * client on {@code channel}, with {@code metadata}, see it in the HELLO and the listing.
   */
  static RequestCaller forService(Channel channel, String service, Map<String, String> metadata) {
    return new RequestCaller(channel, service, Authenticator.HANDSHAKE, metadata, false);
  }

  /** The handshake of the connection on {@code channel}, whose client sent {@code metadata}. */
  static RequestCaller handshake(Channel channel, Map<String, String> metadata) {
    return new RequestCaller(channel, Authenticator.HANDSHAKE, Authenticator.HANDSHAKE, metadata,
        true);
  }

  @Override
  public boolean isHandshake() {
    return handshake;
  }

  @Override
  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  @Override
  public Optional<X509Certificate> peerCertificate() {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate
          ? Optional.of((X509Certificate) chain[0])
          : Optional.empty();
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }
}
