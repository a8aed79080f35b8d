package io.minirpc.internal.transport;

import io.minirpc.internal.config.TlsConfig;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
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
  /** Any peer can fail a handshake: one line a second for all of them. */
  private static final LogSafe.Limiter REFUSED = LogSafe.Limiter.perSecond();
  /** Key files larger than this are not looked into: a PEM key is a few KiB. */
  private static final long MAX_KEY_FILE_BYTES = 1 << 20;

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

  /** Who does a server's TLS, for its start-up line: the provider, and client certificates. */
  public static String describe(TlsConfig tls) {
    return tls.sslContext() != null ? "the application's SslContext"
        : providerName() + (tls.clientAuth() == TlsConfig.ClientAuthMode.NONE ? ""
            : ", client certificates " + tls.clientAuth().name().toLowerCase(Locale.ROOT));
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
        privateKey(tls.privateKey()));
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
          privateKey(tls.privateKey()));
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

  /**
   * The key file, refused when it is in a format Netty cannot read, with the command that
   * converts it: Netty reads PKCS#8 only, and fails on an OpenSSL "traditional" key (PKCS#1 RSA,
   * SEC1 EC) with a bare "algid parse error".
   */
  private static File privateKey(String path) {
    File f = file(path, "minirpc.tls.privateKey");
    if (f.length() > MAX_KEY_FILE_BYTES) {
      return f;
    }
    String text;
    try {
      text = Files.readString(f.toPath(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return f; // Netty reads it again, and says what is wrong
    }
    String kind = text.contains("-----BEGIN RSA PRIVATE KEY-----") ? "a PKCS#1 RSA key"
        : text.contains("-----BEGIN EC PRIVATE KEY-----") ? "an EC key in OpenSSL's SEC1 format"
        : null;
    if (kind == null) {
      return f;
    }
    throw new IllegalStateException("minirpc.tls.privateKey=" + path + " is " + kind
        + ", but minirpc reads PKCS#8 keys (-----BEGIN PRIVATE KEY-----). Convert it with"
        + " 'openssl pkcs8 -topk8 -nocrypt -in " + path + " -out " + pkcs8Name(path)
        + "' and set minirpc.tls.privateKey to the new file");
  }

  /** key.pem → key.pkcs8.pem: a name for the converted key beside the old one. */
  private static String pkcs8Name(String path) {
    return (path.endsWith(".pem") || path.endsWith(".key")
        ? path.substring(0, path.length() - 4) : path) + ".pkcs8.pem";
  }

  /** The handler that starts a server connection's pipeline. */
  SslHandler serverHandler(Channel ch) {
    SslHandler h = timed(context.newHandler(ch.alloc()));
    // The server's handlers never see a refused handshake: it is told here, at most once a
    // second. A peer that only closes refused nothing, and is not logged.
    h.handshakeFuture().addListener(done -> {
      if (!done.isSuccess() && !(done.cause() instanceof ClosedChannelException)) {
        REFUSED.warn(log, "Refused a TLS handshake from " + ch.remoteAddress() + ": "
            + refusal(done.cause()));
      }
    });
    return h;
  }

  /** Why a server refused a handshake, escaped: the message may quote what the peer sent. */
  private static String refusal(Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (c instanceof NotSslRecordException) {
      return "the client does not speak TLS (it needs minirpc.tls=true)";
    }
    String message = c.getMessage() == null ? c.toString() : c.getMessage();
    if (message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
        || message.contains("Empty client certificate chain")) {
      return "the client showed no certificate, which minirpc.tls.clientAuth=require demands"
          + " (it needs minirpc.tls.certChain and minirpc.tls.privateKey)";
    }
    return LogSafe.escape(message);
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
