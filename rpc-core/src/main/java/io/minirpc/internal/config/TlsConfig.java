package io.minirpc.internal.config;

import io.netty.handler.ssl.SslContext;

/**
 * TLS as one side configured it: off, on from PEM files, or on from an {@link SslContext} the
 * application built itself (which then wins over the files).
 *
 * @param enabled whether connections use TLS
 * @param certChain PEM certificate chain: the server's own, or the client's for mutual TLS; may
 *     be null
 * @param privateKey PEM (PKCS#8) private key of {@code certChain}; may be null
 * @param trustedCerts PEM certificates of the CAs to trust; null for the JDK's default trust store
 *     (client) or none (server)
 * @param clientAuth whether a server asks clients for certificates
 * @param hostnameVerification whether a client checks that the server's certificate names the
 *     host it connects to
 * @param sslContext an application's own context, or null
 */
public record TlsConfig(boolean enabled, String certChain, String privateKey,
    String trustedCerts, ClientAuthMode clientAuth, boolean hostnameVerification,
    SslContext sslContext) {

  /** Whether a server asks clients for certificates, as {@code minirpc.tls.clientAuth} says. */
  public enum ClientAuthMode {
    NONE,
    OPTIONAL,
    REQUIRE
  }

  /** Whether connections use TLS: turned on, or given a context. */
  public boolean on() {
    return enabled || sslContext != null;
  }
}
