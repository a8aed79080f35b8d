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

/** What an {@link Authenticator} sees of a request: its header and its connection. */
final class RequestCaller implements Authenticator.Caller {
  private final Channel channel;
  private final RequestHeader header;

  RequestCaller(Channel channel, RequestHeader header) {
    this.channel = channel;
    this.header = header;
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
    return header.service();
  }

  @Override
  public String method() {
    return header.method();
  }

  @Override
  public Map<String, String> metadata() {
    return header.metadata();
  }
}
