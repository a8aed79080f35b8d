package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.internal.protocol.FrameMemory;
import io.minirpc.internal.protocol.FrameType;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the server's memory is shared between client hosts: a host holding its share or more gives
 * way to a host holding less that waits, and only then; two hosts that wait never block each
 * other. The end-to-end attack is {@code BudgetSquattingTest} in rpc-it.
 */
class MemoryBudgetTest {
  private static final int MIB = 1 << 20;
  private final MemoryBudget budget = new MemoryBudget(10 * MIB, 10 * MIB, 5 * MIB);
  private final AtomicInteger openChannels = new AtomicInteger();
  private final java.util.List<EmbeddedChannel> channels = new java.util.ArrayList<>();

  /** A connection from {@code host}, and how often it was woken to read on. */
  private final class Peer {
    final ConnectionMemory memory;
    final AtomicInteger wakes = new AtomicInteger();

    Peer(String host) {
      EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        protected SocketAddress remoteAddress0() {
          return new InetSocketAddress(host, 40000 + openChannels.incrementAndGet());
        }
      };
      channels.add(channel);
      memory = ConnectionMemory.open(budget, channel);
      memory.attach(wakes::incrementAndGet);
    }

    /** Asks for memory for a frame of {@code mib} MiB: true if taken, false if it must wait. */
    boolean frame(int mib) {
      long taken = memory.reserve(FrameType.PING, mib * MIB);
      assertTrue(taken != FrameMemory.NEVER);
      return taken > 0;
    }
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void aHostOverItsShareTakesNothingWhileAHostBelowItsShareWaits() {
    Peer a1 = new Peer("10.0.0.1");
    Peer a2 = new Peer("10.0.0.1");
    Peer b = new Peer("10.0.0.2");
    assertTrue(a1.frame(4) && a2.frame(4), "a host alone may take more than its share");
    assertTrue(a1.frame(1), "and does, while no one waits: 9 of 10 MiB");

    assertTrue(!b.frame(4), "another host waits: only 1 MiB is free");
    assertTrue(!a2.frame(1), "the host over its share gives way, though 1 MiB is free");

    a1.memory.release(4L * MIB);
    assertEquals(1, b.wakes.get(), "the waiting host is woken by the release");
    assertTrue(b.frame(4), "and takes what was given back");
    assertTrue(a2.wakes.get() >= 1, "the host that gave way is woken once no one is starved");
    assertTrue(a2.frame(1), "and takes again");
    assertEquals(10L * MIB, budget.used());
  }

  @Test
  void twoHostsBelowTheirSharesNeverWaitForEachOther() {
    Peer a = new Peer("10.0.0.1");
    Peer b = new Peer("10.0.0.2");
    Peer c = new Peer("10.0.0.3");
    assertTrue(a.frame(8));
    assertTrue(!b.frame(3) && !c.frame(3), "both wait for the server's memory");
    a.memory.release(8L * MIB);
    assertTrue(b.frame(3) && c.frame(3), "each holds less than its share: neither gives way");
    assertEquals(6L * MIB, budget.used());
  }

  @Test
  void theConnectionsOfOneHostDoNotGiveWayToEachOther() {
    Peer a1 = new Peer("10.0.0.1");
    Peer a2 = new Peer("10.0.0.1");
    assertTrue(a1.frame(9));
    assertTrue(!a2.frame(4), "waits for the server's memory");
    assertTrue(a1.frame(1), "its own host waiting is no reason to give way");
  }

  @Test
  void aHostThatWaitedAndLeftIsNoLongerGivenWayTo() {
    Peer a = new Peer("10.0.0.1");
    Peer b = new Peer("10.0.0.2");
    assertTrue(a.frame(8));
    assertTrue(!b.frame(4));
    assertTrue(!a.frame(1), "gives way to the host that waits");
    b.memory.close();
    assertTrue(a.frame(1), "the host that waited is gone");
  }
}
