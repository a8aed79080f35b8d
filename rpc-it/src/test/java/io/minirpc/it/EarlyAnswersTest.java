package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server that runs its methods on the event loop sends the answers of one read's calls as they
 * come, not all at once after the last: the client works on the first answers while the server
 * works on the rest.
 */
class EarlyAnswersTest {
  private static final int JSON = 1;
  private static final int CALLS = 10;
  private static final long MILLIS_EACH = 3;

  @Test
  void theFirstAnswersOfOneReadLeaveWhileItsLaterCallsStillRun() throws Exception {
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).directExecutor(true)
            .register(SlowService.class, new SlowServiceImpl()).build().start();
        RawConnection raw = new RawConnection(server.port())) {
      // Ten calls in one write: the server reads them at once, and runs them one after another
      // on its event loop, each for 3 ms.
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int seq = 1; seq <= CALLS; seq++) {
        requests.write(RawConnection.requestBytes(JSON, seq, SlowService.class.getName(),
            "work(long)", Long.toString(MILLIS_EACH).getBytes(StandardCharsets.UTF_8)));
      }
      raw.writeRaw(requests.toByteArray());

      Set<Long> answered = new HashSet<>();
      long first = 0;
      long last = 0;
      for (int i = 0; i < CALLS; i++) {
        RawConnection.Reply reply = raw.read();
        last = System.nanoTime();
        if (i == 0) {
          first = last;
        }
        assertEquals(RawConnection.RESPONSE, reply.type());
        answered.add(reply.seq());
      }
      assertEquals(CALLS, answered.size(), "every call is answered once");
      // Held to the end of the read, all ten would arrive together, after 30 ms of work. Sent as
      // they come, the first arrive while the last calls still run: about 24 ms apart.
      long spread = TimeUnit.NANOSECONDS.toMillis(last - first);
      assertTrue(spread >= (CALLS - 4) * MILLIS_EACH,
          "the first answer came only " + spread + " ms before the last: the server held the"
              + " answers of the calls it read together until all of them had run");
    }
  }
}
