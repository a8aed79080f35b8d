package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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

  /** Steps that take a millisecond each; the last waits until the client has the first answer. */
  public interface Steps {
    long step(long n);
  }

  static final class StepsImpl implements Steps {
    final CountDownLatch firstAnswerRead = new CountDownLatch(1);
    volatile boolean lastSawFirstAnswer;

    @Override
    public long step(long n) {
      try {
        if (n == CALLS) {
          lastSawFirstAnswer = firstAnswerRead.await(3, TimeUnit.SECONDS);
        } else {
          Thread.sleep(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return n;
    }
  }

  @Test
  void theFirstAnswersOfOneReadLeaveWhileItsLaterCallsStillRun() throws Exception {
    StepsImpl steps = new StepsImpl();
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).directExecutor(true)
            .register(Steps.class, steps).build().start();
        RawConnection raw = new RawConnection(server.port())) {
      // Ten calls in one write: the server reads them at once and runs them one after another on
      // its event loop. The last one waits for the client to have read the first answer, which
      // it can only do if that answer left before the last call ended.
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int seq = 1; seq <= CALLS; seq++) {
        requests.write(RawConnection.requestBytes(JSON, seq, Steps.class.getName(), "step(long)",
            Long.toString(seq).getBytes(StandardCharsets.UTF_8)));
      }
      raw.writeRaw(requests.toByteArray());

      Set<Long> answered = new HashSet<>();
      for (int i = 0; i < CALLS; i++) {
        RawConnection.Reply reply = raw.read();
        assertEquals(RawConnection.RESPONSE, reply.type());
        answered.add(reply.seq());
        steps.firstAnswerRead.countDown();
      }
      assertEquals(CALLS, answered.size(), "every call is answered once");
      assertTrue(steps.lastSawFirstAnswer, "the last call of the read waited 3 s in vain for the"
          + " client to read the first answer: the server held the answers of the calls it read"
          + " together until all of them had run");
    }
  }
}
