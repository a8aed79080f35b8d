package io.minirpc.it;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK (1.0.4, for {@code java.util.concurrent.Flow}) against the publisher
 * a client's proxy returns for a server stream: each subscription is a call to a real server over
 * loopback, the items pulled there from an iterator. TestNG runs it, on the JUnit Platform
 * through the TestNG engine.
 */
public class StreamPublisherTckTest extends FlowPublisherVerification<Long> {
  private RpcServer server;
  private RpcClient client;
  private Feed feed;

  public StreamPublisherTckTest() {
    // A call crosses a socket twice: signals take longer than in memory.
    super(new TestEnvironment(3000, 300));
  }

  @BeforeClass
  public void start() {
    server = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofMillis(200))
        .register(Feed.class, new FeedImpl()).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).build();
    feed = client.proxy(Feed.class);
    feed.ping(1); // connected before the first verification starts its clock
  }

  @AfterClass
  public void stop() {
    client.close();
    server.close();
  }

  @Override
  public Flow.Publisher<Long> createFlowPublisher(long elements) {
    return feed.count(elements);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Flow.Publisher<Long> createFailedFlowPublisher() {
    Flow.Publisher<String> failing;
    try {
      failing = feed.failAfter(0); // fails before its first item
    } catch (Feed.FeedException e) {
      throw new AssertionError("a proxy's publisher is made without a call", e);
    }
    return s -> failing.subscribe((Flow.Subscriber) s);
  }
}
