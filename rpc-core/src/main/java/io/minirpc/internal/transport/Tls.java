package io.minirpc.internal.transport;

import io.minirpc.internal.config.TlsConfig;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for one side: the {@link SslContext} built once from {@link TlsConfig} (OpenSSL through
 * Netty's boringssl-static where it is on the classpath and loads, the JDK's provider otherwise),
 * and the {@link SslHandler} each connection starts its pipeline with.
 */
public final class Tls {
  private static final Logger log = LoggerFactory.getLogger(Tls.class);

  /** The JDK provider's switch for client-initiated renegotiation. */
  static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
  private static volatile boolean warnedRenegotiation;

  private final SslContext context;
  private final long handshakeTimeoutMillis;

  private Tls(SslContext context, long handshakeTimeoutMillis) {
    this.context = context;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  /** The provider PEM-configured contexts use: "OpenSSL" or "JDK". */
  public static String providerName() {
    return OpenSsl.isAvailable() ? "OpenSSL" : "JDK";
  }

  private static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * The server's TLS, or {@code null} when TLS is off.
   *
   * @throws IllegalStateException if the configuration is incomplete or a file cannot be read,
   *     saying which key and what to do
   */
  public static Tls server(TlsConfig tls, long handshakeTimeoutMillis) {
    if (!tls.on()) {
      return null;
    }
    refuseClientRenegotiation();
    if (tls.sslContext() != null) {
      return new Tls(tls.sslContext(), handshakeTimeoutMillis);
    }
    if (tls.certChain() == null || tls.privateKey() == null) {
      throw new IllegalStateException("minirpc.tls=true needs the server's certificate:"
          + " set minirpc.tls.certChain and minirpc.tls.privateKey (PEM files), or give the"
          + " builder tlsCertificate(chain, key) or tls(SslContext)");
    }
    SslContextBuilder b = SslContextBuilder.forServer(
        file(tls.certChain(), "minirpc.tls.certChain"),
        file(tls.privateKey(), "minirpc.tls.privateKey"));
    if (tls.clientAuth() != TlsConfig.ClientAuthMode.NONE) {
      if (tls.trustedCerts() == null) {
        throw new IllegalStateException("minirpc.tls.clientAuth=" + tls.clientAuth().name()
            .toLowerCase(java.util.Locale.ROOT) + " needs the CAs that sign client certificates:"
            + " set minirpc.tls.trustedCerts to their PEM file");
      }
      b.trustManager(file(tls.trustedCerts(), "minirpc.tls.trustedCerts"));
      b.clientAuth(tls.clientAuth() == TlsConfig.ClientAuthMode.REQUIRE
          ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    }
    return new Tls(build(b.sslProvider(provider())), handshakeTimeoutMillis);
  }

  /**
   * A client's TLS, or {@code null} when TLS is off.
   *
   * @throws IllegalStateException if a file cannot be read, saying which key
   */
  public static Tls client(TlsConfig tls, String address, long handshakeTimeoutMillis) {
    if (!tls.on()) {
      return null;
    }
    if (tls.sslContext() != null) {
      return new Tls(tls.sslContext(), handshakeTimeoutMillis);
    }
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider());
    if (tls.trustedCerts() != null) {
      b.trustManager(file(tls.trustedCerts(), "minirpc.tls.trustedCerts"));
    }
    if (tls.certChain() != null || tls.privateKey() != null) {
      if (tls.certChain() == null || tls.privateKey() == null) {
        throw new IllegalStateException("A client certificate needs both"
            + " minirpc.tls.certChain and minirpc.tls.privateKey");
      }
      b.keyManager(file(tls.certChain(), "minirpc.tls.certChain"),
          file(tls.privateKey(), "minirpc.tls.privateKey"));
    }
    if (tls.hostnameVerification()) {
      b.endpointIdentificationAlgorithm("HTTPS");
    } else {
      b.endpointIdentificationAlgorithm(null);
      log.warn("TLS hostname verification is off for {} (minirpc.tls.hostnameVerification=false):"
          + " any certificate the trusted CAs signed is accepted, whatever host it names", address);
    }
    return new Tls(build(b), handshakeTimeoutMillis);
  }

  /**
   * TLS 1.2 lets a client start a new handshake on an open connection, as often as it likes, each
   * one a handshake's work for the server. Netty's OpenSSL engines refuse it always; the JDK's
   * provider refuses it when {@value #REJECT_RENEGOTIATION} is true, a property it reads once, at
   * the JVM's first server handshake. So a TLS server sets it, unless the application has.
   */
  private static void refuseClientRenegotiation() {
    String set = System.getProperty(REJECT_RENEGOTIATION);
    if (set == null) {
      System.setProperty(REJECT_RENEGOTIATION, "true");
    } else if (!Boolean.parseBoolean(set) && !warnedRenegotiation) {
      warnedRenegotiation = true;
      log.warn("{}={}: with the JDK's TLS provider, clients may renegotiate TLS 1.2 connections"
          + " as often as they like, each time a handshake's work for this server. Remove the"
          + " property to have them refused", REJECT_RENEGOTIATION, LogSafe.escape(set));
    }
  }

  private static SslContext build(SslContextBuilder b) {
    try {
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("Could not set up TLS: " + e.getMessage() + ". Check the"
          + " PEM files in minirpc.tls.certChain, minirpc.tls.privateKey (PKCS#8) and"
          + " minirpc.tls.trustedCerts", e);
    }
  }

  private static File file(String path, String key) {
    File f = new File(path);
    if (!f.canRead()) {
      throw new IllegalStateException("Cannot read " + key + "=" + path + " ("
          + (f.exists() ? "not readable" : "no such file") + ")");
    }
    return f;
  }

  /** The handler that starts a server connection's pipeline. */
  SslHandler serverHandler(Channel ch) {
    return timed(context.newHandler(ch.alloc()));
  }

  /** The handler that starts a client connection's pipeline; host and port name the server. */
  SslHandler clientHandler(Channel ch, String host, int port) {
    return timed(context.newHandler(ch.alloc(), host, port));
  }

  private SslHandler timed(SslHandler h) {
    h.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    return h;
  }
}
