package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's end of one connection, fed bytes through an EmbeddedChannel. */
class ServerHandlerTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static Hello hello(int minVersion, int maxVersion) {
    return new Hello(minVersion, maxVersion, 16 << 20, 0, 0, 1000,
        List.of(new Hello.CodecInfo((byte) 1, "json")), List.of(), List.of(), Map.of());
  }

  private static EmbeddedChannel connection(int pingsPerSecond, int cancelsPerSecond,
      int cancelBurst) {
    ServerHandler.Limits limits = new ServerHandler.Limits(TimeUnit.SECONDS.toNanos(20),
        TimeUnit.SECONDS.toNanos(10), new WorkerShares(4, 100, () -> 0), pingsPerSecond, cancelsPerSecond, cancelBurst,
        new ConnectionLifetime.Limits(0, 0, 0, 0));
    MemoryBudget budget = new MemoryBudget(64 << 20, 32 << 20, 32 << 20);
    return new EmbeddedChannel(new io.netty.channel.ChannelInitializer<>() {
      @Override
      protected void initChannel(io.netty.channel.Channel ch) {
        ConnectionMemory memory = ConnectionMemory.open(budget, ch);
        ch.pipeline().addLast(
            new FrameDecoder(16 << 20, 64 << 10, "minirpc.server.maxPreHelloFrameSize", memory),
            new ServerHandler(dispatcher(), hello(1, 1), limits, memory));
      }
    });
  }

  /** A dispatcher for connections that send no requests, and no authenticator. */
  private static Dispatcher dispatcher() {
    ServerLimits limits = new ServerLimits(16 << 20, false, 1000, 10_000, 1 << 20, "", 4, 8192, 64, false,
        1024, 0);
    return new Dispatcher(null, new Serving(limits, null, List.of(), null), Runnable::run);
  }

  /** The types of the frames the server wrote, released. */
  private static List<FrameType> written(EmbeddedChannel ch, List<String> goAwayReasons) {
    List<FrameType> types = new ArrayList<>();
    for (ByteBuf buf; (buf = ch.readOutbound()) != null; ) {
      FrameType type = FrameType.of(buf.getByte(buf.readerIndex() + 7));
      types.add(type);
      if (type == FrameType.GOAWAY) {
        ByteBuf header = buf.slice(buf.readerIndex() + Protocol.LENGTH_FIELD
            + Protocol.FIXED_HEADER, buf.readableBytes() - 22);
        goAwayReasons.add(Frames.readString(header));
      }
      buf.release();
    }
    return types;
  }

  @Test
  void pingsOverTheBudgetGetGoAwayTooManyPingsAndTheConnectionCloses() {
    EmbeddedChannel ch = connection(10, 1000, 1000);
    ch.writeInbound(hello(1, 1).toFrame(ALLOC));
    long start = System.nanoTime();
    for (int i = 0; i < 50 && ch.isOpen(); i++) {
      ch.writeInbound(Frames.empty(ALLOC, FrameType.PING, i));
    }
    // The burst of 10, and what the budget earned back (10 a second) on a slow machine.
    long refilled = (System.nanoTime() - start) / 100_000_000L;
    List<String> reasons = new ArrayList<>();
    List<FrameType> types = written(ch, reasons);
    assertEquals(FrameType.HELLO, types.get(0));
    long pongs = types.stream().filter(t -> t == FrameType.PONG).count();
    assertTrue(pongs >= 10 && pongs <= 10 + refilled, pongs + " PONGs: " + types);
    assertEquals(FrameType.GOAWAY, types.get(types.size() - 1));
    assertEquals(List.of("too_many_pings: more than 10 PINGs a second"
        + " (minirpc.server.maxPingsPerSecond)"), reasons);
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aRapidResetFloodOfCancelsGetsGoAwayAfterItsBurst() {
    EmbeddedChannel ch = connection(10, 100, 300);
    ch.writeInbound(hello(1, 1).toFrame(ALLOC));
    for (int i = 0; i < 300; i++) {
      ch.writeInbound(Frames.empty(ALLOC, FrameType.CANCEL, i));
    }
    assertTrue(ch.isOpen(), "a client may give up on all its calls at once");
    // 100 more a second are earned back: a slow machine may need more than 100 to run out.
    for (int i = 300; i < 100_000 && ch.isOpen(); i++) {
      ch.writeInbound(Frames.empty(ALLOC, FrameType.CANCEL, i));
    }
    List<String> reasons = new ArrayList<>();
    written(ch, reasons);
    assertEquals(List.of("too many CANCELs: more than 100 a second"
        + " (minirpc.server.maxCancelsPerSecond)"), reasons);
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aHelloWithNoCommonVersionIsRefused() {
    EmbeddedChannel ch = connection(10, 1000, 1000);
    ch.writeInbound(hello(9, 9).toFrame(ALLOC));
    assertEquals(List.of(), written(ch, new ArrayList<>()), "no HELLO answers it");
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aConnectionThatSendsNoHelloIsClosedAtTheHandshakeTimeout() {
    EmbeddedChannel ch = connection(10, 1000, 1000);
    ch.writeInbound(ALLOC.buffer().writeBytes("MR".getBytes(StandardCharsets.US_ASCII)));
    ch.advanceTimeBy(9, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
