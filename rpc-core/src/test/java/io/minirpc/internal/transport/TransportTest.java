package io.minirpc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The transport rpc-core picks with the Netty modules it depends on. */
class TransportTest {

  @Test
  void nativeEpollLoadsOnLinuxForWhichRpcCoreShipsTheLibrary() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    assumeTrue(os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64")),
        "rpc-core ships the epoll library for Linux x86_64 and aarch64 only, not " + os + "/" + arch);
    assumeFalse("nio".equalsIgnoreCase(System.getProperty("minirpc.transport")),
        "minirpc.transport=nio is set");

    // The dependency on netty-transport-native-epoll (classifiers linux-x86_64, linux-aarch_64)
    // is what makes this true; without it Netty falls back to NIO silently.
    Epoll.ensureAvailability();
    assertEquals("epoll", Transport.name());
  }
}
