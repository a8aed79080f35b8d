package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minirpc.internal.config.Settings;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.it.FuzzTargets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Any bytes a client sends end in answers, typed errors or a close of that connection: never an
 * exception out of the pipeline, never a frame a server must not send, never a leaked buffer (the
 * leak detector runs at paranoid). Regression mode runs the checked-in inputs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes (see docs/testing.md).
 */
@Isolated("Jazzer instruments the whole JVM")
class ServerPipelineFuzzTest {
  private static final List<String> METHODS = FuzzTargets.typesServiceMethods();
  private static final ServerRuntime SERVER = new ServerRuntime(serverSettings(),
      List.of(new Registration(FuzzTargets.typesService(), FuzzTargets.typesServiceImpl())),
      Set.of(), List.of());

  private static io.minirpc.internal.config.ServerConfig serverSettings() {
    Settings s = new Settings();
    s.set(io.minirpc.internal.config.Keys.MAX_FRAME_SIZE, 64 * 1024);
    return s.server();
  }

  @FuzzTest(maxDuration = "10m")
  void anyClientBytesEndInAnswersTypedErrorsOrAClose(FuzzedDataProvider data) {
    EmbeddedChannel ch = new EmbeddedChannel(SERVER.pipeline(Runnable::run));
    try {
      if (data.consumeBoolean()) {
        ch.writeInbound(clientHello(data.consumeInt(0, 3)));
      }
      int frames = data.consumeInt(0, 4);
      for (int i = 0; i < frames && ch.isActive(); i++) {
        ch.writeInbound(frame(data));
      }
      if (ch.isActive()) {
        ch.writeInbound(Unpooled.wrappedBuffer(data.consumeRemainingAsBytes()));
      }
      ch.runPendingTasks();
      ch.checkException();
      ByteBuf out;
      while ((out = ch.readOutbound()) != null) {
        try {
          assertAllowedFromServer(out);
        } finally {
          out.release();
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** A client HELLO speaking some of the codecs. */
  private static ByteBuf clientHello(int codecs) {
    List<Hello.CodecInfo> speaks = codecs == 0 ? List.of()
        : codecs == 1 ? List.of(new Hello.CodecInfo((byte) 1, "json"))
        : codecs == 2 ? List.of(new Hello.CodecInfo((byte) 2, "kryo"))
        : List.of(new Hello.CodecInfo((byte) 1, "json"), new Hello.CodecInfo((byte) 2, "kryo"));
    return new Hello(Protocol.VERSION, Protocol.VERSION, 64 * 1024, 0, 0, 0, speaks, List.of(),
        List.of(), Map.of()).toFrame(Unpooled.buffer().alloc());
  }

  /** A well-formed envelope around fuzzed contents: the shortest way to the decoders. */
  private static ByteBuf frame(FuzzedDataProvider data) {
    FrameType[] types = FrameType.values();
    FrameType type = types[data.consumeInt(0, types.length - 1)];
    ByteBuf buf = Unpooled.buffer();
    int start = Frames.begin(buf, type, data.consumeByte((byte) 0, (byte) 3),
        data.consumeLong(0, 8));
    if (type == FrameType.REQUEST && data.consumeBoolean()) {
      String method = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
      Frames.writeString(buf, FuzzTargets.typesService().getName());
      Frames.writeString(buf, method);
      buf.writeLong(data.consumeLong(0, 10_000_000_000L));
      int entries = data.consumeInt(0, 3);
      buf.writeShort(entries);
      for (int i = 0; i < entries; i++) {
        Frames.writeString(buf, data.consumeString(20));
        Frames.writeString(buf, data.consumeString(20));
      }
    } else {
      buf.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
    }
    Frames.endHeader(buf, start);
    buf.writeBytes(data.consumeBytes(data.consumeInt(0, 512)));
    Frames.finish(buf, start);
    return buf;
  }

  private static void assertAllowedFromServer(ByteBuf frame) {
    assertTrue(frame.readableBytes() >= Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER,
        "a frame of " + frame.readableBytes() + " bytes");
    assertEquals(Protocol.MAGIC, frame.getShort(frame.readerIndex() + 4));
    FrameType type = FrameType.of(frame.getByte(frame.readerIndex() + 7));
    assertTrue(type == FrameType.HELLO || type == FrameType.RESPONSE || type == FrameType.ERROR
        || type == FrameType.PONG || type == FrameType.GOAWAY || type == FrameType.PING,
        "a server sent " + type);
  }
}
