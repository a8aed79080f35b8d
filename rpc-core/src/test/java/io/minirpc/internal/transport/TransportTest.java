package io.minirpc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.internal.config.TransportKind;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void nioIsAvailableEverywhere() {
    Transport nio = Transport.of(TransportKind.NIO);
    assertEquals("nio", nio.name());
    assertEquals(NioSocketChannel.class, nio.channel());
  }

  @Test
  void localConnectsByNameWithoutSockets() {
    Transport local = Transport.of(TransportKind.LOCAL);
    assertEquals("local", local.name());
    assertTrue(local.isLocal());
    assertEquals(LocalChannel.class, local.channel());
    assertEquals(LocalServerChannel.class, local.serverChannel());
    assertEquals(new LocalAddress("orders"), local.remoteAddress("orders", 1));
    assertEquals(InetSocketAddress.createUnresolved("example.org", 4242),
        Transport.of(TransportKind.NIO).remoteAddress("example.org", 4242));
  }

  @Test
  void autoPicksEpollWhereAvailable() {
    assertEquals(Epoll.isAvailable() ? "epoll" : "nio", Transport.of(TransportKind.AUTO).name());
  }

  @Test
  void epollWhereUnavailableFailsSayingWhy() {
    if (Epoll.isAvailable()) {
      assertEquals("epoll", Transport.of(TransportKind.EPOLL).name());
    } else {
      assertEquals(
          Transport.epollUnavailable(Epoll.unavailabilityCause()),
          assertThrows(IllegalStateException.class, () -> Transport.of(TransportKind.EPOLL))
              .getMessage());
    }
    assertEquals(
        "minirpc.transport=epoll, but Netty's native epoll transport is unavailable here:"
            + " java.lang.UnsatisfiedLinkError: no netty_transport_native_epoll. Set"
            + " minirpc.transport=auto (epoll where available, else nio) or nio",
        Transport.epollUnavailable(
            new UnsatisfiedLinkError("no netty_transport_native_epoll")));
  }
}
