package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.testing.TestCertificates;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TLS 1.2 client that starts handshake after handshake on one connection makes the server do a
 * handshake's work each time (issue 16: 51 a second on one connection). Both providers refuse it:
 * the JDK's, and OpenSSL's (which the tests use where boringssl-static loads).
 */
class TlsRenegotiationTest {
  @TempDir Path dir;

  /** The attacker: any certificate will do. */
  private static SSLContext trustingEverything() throws Exception {
    TrustManager all = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(null, new TrustManager[] {all}, null);
    return context;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"JDK", "OpenSSL"})
  void aClientInitiatedRenegotiationIsRefusedAndTheServerServesOn(String provider)
      throws Exception {
    TestCertificates.Ca ca = TestCertificates.ca(dir, "renegotiation CA");
    TestCertificates.Pem cert = ca.issue("server", "127.0.0.1");
    File log = File.createTempFile("minirpc-server", ".log");
    log.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(log, 0, "-Xmx128m",
        "-Dminirpc.tls=true", "-Dminirpc.tls.certChain=" + cert.chain(),
        "-Dminirpc.tls.privateKey=" + cert.key(),
        "-Dio.netty.handler.ssl.noOpenSsl=" + provider.equals("JDK"))) {
      String started = Files.readString(log.toPath(), UTF_8);
      if (provider.equals("OpenSSL") && !started.contains("TLS by OpenSSL")) {
        return; // boringssl-static does not load on this platform: the JDK run covers it
      }
      assertTrue(started.contains("TLS by " + provider), started);

      AtomicInteger handshakes = new AtomicInteger();
      try (SSLSocket socket = (SSLSocket) trustingEverything().getSocketFactory()
          .createSocket(InetAddress.getByName("127.0.0.1"), server.port())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setSoTimeout(3000);
        socket.addHandshakeCompletedListener(e -> handshakes.incrementAndGet());
        socket.startHandshake();
        socket.startHandshake(); // the client's second handshake: a renegotiation
        boolean refused;
        try {
          refused = socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException renegotiatedAndWaiting) {
          refused = false;
        } catch (IOException alertOrReset) {
          refused = true;
        }
        assertTrue(refused, "the server took a second handshake (" + handshakes + " handshakes)");
        // The JDK tells its listeners on a thread of their own, after the handshake.
        for (long end = System.nanoTime() + 5_000_000_000L;
            handshakes.get() == 0 && System.nanoTime() < end; ) {
          Thread.sleep(10);
        }
        assertEquals(1, handshakes.get(), "handshakes completed");
      }

      // A well-behaved client beside it is served.
      try (RpcClient good = RpcClient.builder().address("127.0.0.1", server.port()).tls(true)
          .tlsTrustedCertificates(ca.certificate()).timeout(Duration.ofSeconds(10)).build()) {
        assertEquals(3, good.proxy(Calculator.class).add(1, 2));
      }
    }
  }
}
