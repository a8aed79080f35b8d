package io.minirpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The hints of minirpc's messages name the command line's flags. */
class HintsTest {
  @Test
  void clientSettingsBecomeTheFlagsThatSetThem() {
    assertEquals("timed out after 10000 ms. Check the server, or raise the timeout (--timeout, or"
        + " @Timeout on the method)", Hints.inFlags("timed out after 10000 ms. Check the server,"
        + " or raise the timeout (minirpc.timeout, or @Timeout on the method)"));
    assertEquals("if it uses TLS, set --tls", Hints.inFlags("if it uses TLS, set minirpc.tls=true"));
    assertEquals("trust its CA (--cacert), or present --cert and --key", Hints.inFlags(
        "trust its CA (minirpc.tls.trustedCerts), or present minirpc.tls.certChain and"
            + " minirpc.tls.privateKey"));
    assertEquals("send -H authorization", Hints.inFlags("send minirpc.metadata.authorization"));
  }

  @Test
  void settingsWithoutAFlagAndTheServersAreLeftAsTheyAre() {
    String server = "raise minirpc.server.maxFrameSize on the server, or set"
        + " minirpc.waitForReady=true; minirpc.tls.clientAuth=require";
    assertEquals(server, Hints.inFlags(server));
    assertEquals("minirpc.timeoutMillis", Hints.inFlags("minirpc.timeoutMillis"));
    assertEquals(null, Hints.inFlags(null));
  }
}
