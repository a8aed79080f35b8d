package io.minirpc.internal.transport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** rpc-core's dependencies bring the native epoll transport for the Linux machines it ships. */
class NativeEpollTest {

  @Test
  void nativeEpollLoadsOnLinuxX8664AndAarch64() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    assumeTrue(os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64")),
        "rpc-core ships the epoll library for Linux x86_64 and aarch64 only, not " + os + "/" + arch);

    // True only with netty-transport-native-epoll (classifiers linux-x86_64 and linux-aarch_64)
    // on the class path; without it Netty would fall back to NIO without a word.
    Epoll.ensureAvailability();
  }
}
