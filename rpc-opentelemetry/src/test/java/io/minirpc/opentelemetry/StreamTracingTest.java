package io.minirpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.StreamIterator;
import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server stream is one span on each side, from the call to the stream's last item. */
class StreamTracingTest {
  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  /** Ticks, slowly. */
  public interface Ticks {
    Flow.Publisher<Integer> ticks(int n);
  }

  @Test
  void theSpansOfAStreamCoverTheWholeStreamOnBothSides() throws Exception {
    TracingInterceptor tracing = new TracingInterceptor(otel.getOpenTelemetry());
    Ticks slow = n -> {
      StreamProducer<Integer> out = new StreamProducer<>();
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            Thread.sleep(10);
            out.send(i);
          }
          out.complete();
        } catch (CancellationException | InterruptedException e) {
          // ended
        }
      });
      t.setDaemon(true);
      t.start();
      return out;
    };
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).intercept(tracing)
            .register(Ticks.class, slow).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .intercept(tracing).build()) {
      long started = System.nanoTime();
      int n = 0;
      try (StreamIterator<Integer> it = Streams.iterate(client.proxy(Ticks.class).ticks(20),
          4)) {
        while (it.hasNext()) {
          assertEquals(n++, it.next());
        }
      }
      long streamed = System.nanoTime() - started;
      assertEquals(20, n);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (otel.getSpans().size() < 2) {
        assertTrue(System.nanoTime() < end, "only " + otel.getSpans() + " ended");
        Thread.sleep(10);
      }
      List<SpanData> spans = otel.getSpans();
      SpanData clientSpan = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
          .findFirst().orElseThrow();
      SpanData serverSpan = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER)
          .findFirst().orElseThrow();
      assertEquals(clientSpan.getTraceId(), serverSpan.getTraceId());
      assertEquals(clientSpan.getSpanId(), serverSpan.getParentSpanId());
      long clientNanos = clientSpan.getEndEpochNanos() - clientSpan.getStartEpochNanos();
      long serverNanos = serverSpan.getEndEpochNanos() - serverSpan.getStartEpochNanos();
      // Twenty ticks 10 ms apart: both spans last the stream, not the call that started it.
      assertTrue(clientNanos >= TimeUnit.MILLISECONDS.toNanos(180), clientNanos + " ns");
      assertTrue(serverNanos >= TimeUnit.MILLISECONDS.toNanos(180), serverNanos + " ns");
      assertTrue(clientNanos <= streamed + TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
