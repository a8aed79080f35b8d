package io.minirpc.internal.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.RequestWriter;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.it.FuzzTargets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Whatever a hostile server sends (garbage, oversized length prefixes, unknown or repeated
 * sequence numbers, errors naming classes such as {@code java.lang.ProcessBuilder}), every call of
 * the client ends with a value or an exception, nothing escapes the pipeline and no buffer leaks.
 */
@Isolated("Jazzer instruments the whole JVM")
class ClientPipelineFuzzTest {
  private static final int MAX_FRAME = 64 * 1024;
  private static final List<ClientMethod> METHODS = methods();
  private static final String[] CLASS_NAMES = {"java.lang.ProcessBuilder",
      "java.lang.IllegalStateException", "java.io.IOException", "io.minirpc.RpcException",
      "java.lang.Runtime", "javax.script.ScriptEngineManager", "", "java.lang.Error"};

  private static List<ClientMethod> methods() {
    List<ClientMethod> out = new ArrayList<>();
    Codecs codecs = Codecs.create(List.of("json", "kryo"), Set.of(), MAX_FRAME);
    for (Codecs.Entry codec : codecs.entries()) {
      for (MethodDescriptor d : MethodDescriptor.forService(FuzzTargets.typesService())) {
        if (d.parameterCount() == 0 || !d.parameterClasses()[0].isPrimitive()) {
          out.add(new ClientMethod(d, codec, TimeUnit.SECONDS.toNanos(60), false, "fuzz:1"));
        }
      }
    }
    return List.copyOf(out);
  }

  @FuzzTest(maxDuration = "10m")
  void anyServerBytesEndEveryCallWithAValueOrAnException(FuzzedDataProvider data) {
    EmbeddedChannel ch = new EmbeddedChannel();
    Connection.Owner owner = () -> { };
    ClientHandler.Events events = new ClientHandler.Events() {
      @Override
      public void handshaken(Connection c, Hello serverHello) {
        c.ready(serverHello, 64, null);
      }

      @Override
      public void goingAway(Connection c, String reason) {
        c.drain();
      }

      @Override
      public void closed(Connection c, String reason) {}
    };
    Connection connection = new Connection(ch, "fuzz:1", owner, new ResponseDecoding(0, 1,
        new ClientCompression(io.minirpc.internal.registry.CompressorRegistry.installed(), null,
            1024, MAX_FRAME)));
    Hello ours = new Hello(Protocol.VERSION, Protocol.VERSION, MAX_FRAME, 0, 0, 0,
        List.of(new Hello.CodecInfo((byte) 1, "json")), List.of(), List.of(), Map.of());
    ch.pipeline().addLast(new FrameDecoder(MAX_FRAME), new ClientHandler(connection, events, ours,
        TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(60)));
    List<PendingCall> calls = new ArrayList<>();
    try {
      if (data.consumeBoolean()) {
        ch.writeInbound(new Hello(Protocol.VERSION, Protocol.VERSION, MAX_FRAME, 0, 0, 0,
            List.of(new Hello.CodecInfo((byte) 1, "json")), List.of(), List.of(), Map.of())
            .toFrame(ByteBufAllocator.DEFAULT));
      }
      int n = data.consumeInt(0, 4);
      for (int i = 0; i < n && connection.isUsable(); i++) {
        ClientMethod m = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
        PendingCall call = new PendingCall(m, new Object[m.descriptor().parameterCount()],
            Map.of(), new PendingCall.Support(ClientPipelineFuzzTest::encode, null, null),
            TimeUnit.SECONDS.toNanos(60), TimeLimit.OWN);
        calls.add(call);
        if (connection.tryAcquire() && call.attempt().assign(connection)) {
          connection.send(call.attempt());
        } else {
          call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "no room in this test");
        }
      }
      ch.runPendingTasks();
      int frames = data.consumeInt(0, 4);
      for (int i = 0; i < frames && ch.isActive(); i++) {
        ch.writeInbound(frame(data));
      }
      if (ch.isActive()) {
        ch.writeInbound(Unpooled.wrappedBuffer(data.consumeRemainingAsBytes()));
      }
      ch.runPendingTasks();
      ch.checkException();
    } finally {
      ch.close();
      ch.runPendingTasks();
      ch.finishAndReleaseAll();
    }
    for (PendingCall call : calls) {
      assertTrue(call.isDone(), "a call that never ends: " + call);
      try {
        call.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        assertTrue(cause instanceof RuntimeException || cause instanceof Exception,
            "ended with " + cause);
      } catch (java.util.concurrent.CancellationException e) {
        throw new AssertionError("nobody cancelled " + call, e);
      }
    }
  }

  private static ByteBuf encode(ClientMethod m, Object[] args, long timeoutNanos,
      Map<String, String> metadata, boolean evolving) {
    try {
      return RequestWriter.write(ByteBufAllocator.DEFAULT, (byte) 1, m.serviceAndMethod(),
          timeoutNanos, metadata, args, m.writers(), MAX_FRAME);
    } catch (RequestWriter.ArgumentException e) {
      throw new RpcException(RpcException.Code.CODEC, e.getMessage(), e);
    }
  }

  /** A frame from the "server": answers and errors for sequence numbers 0..5, or anything. */
  private static ByteBuf frame(FuzzedDataProvider data) {
    FrameType[] types = FrameType.values();
    FrameType type = types[data.consumeInt(0, types.length - 1)];
    long seq = data.consumeLong(0, 5);
    if (type == FrameType.ERROR && data.consumeBoolean()) {
      ErrorInfo info = new ErrorInfo(data.consumeInt(0, 20),
          CLASS_NAMES[data.consumeInt(0, CLASS_NAMES.length - 1)], data.consumeString(40),
          List.of());
      return info.toFrame(ByteBufAllocator.DEFAULT, seq, data.consumeByte());
    }
    ByteBuf buf = Unpooled.buffer();
    int start = Frames.begin(buf, type, data.consumeByte((byte) 0, (byte) 2), seq);
    buf.writeBytes(data.consumeBytes(data.consumeInt(0, 32)));
    Frames.endHeader(buf, start);
    buf.writeBytes(data.consumeBytes(data.consumeInt(0, 256)));
    Frames.finish(buf, start);
    return buf;
  }
}
