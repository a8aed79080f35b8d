package io.minirpc.internal.client;

import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.internal.transport.StreamDelivery;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * What a proxy returns for a method that streams from the server: a cold publisher, each
 * subscription one call. The call starts once the subscriber has its subscription, through the
 * client's interceptors, with the metadata and deadline scope of the thread that subscribes.
 */
final class StreamPublisher implements Flow.Publisher<Object> {
  /** How a subscription becomes a call: {@link ClientRuntime} is the one. */
  interface Starter {
    /** Starts the call whose items go to {@code receiver}; its end ends the stream. */
    void startStream(ClientMethod method, Object[] args, ItemReceiver receiver);
  }

  private final Starter starter;
  private final StreamDelivery delivery;
  private final ClientMethod method;
  private final Object[] args;

  /** @param delivery where items are handed to subscribers, and the budget they hold */
  StreamPublisher(Starter starter, StreamDelivery delivery, ClientMethod method, Object[] args) {
    this.starter = starter;
    this.delivery = delivery;
    this.method = method;
    this.args = args;
  }

  @SuppressWarnings("unchecked")
  @Override
  public void subscribe(Flow.Subscriber<? super Object> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber == null (Reactive Streams rule 1.9)");
    ItemReceiver receiver = new ItemReceiver(new ClientItems(method), delivery.executor(),
        ItemReceiver.WINDOW_ITEMS, ItemReceiver.WINDOW_BYTES, delivery.memory());
    receiver.attach((Flow.Subscriber<Object>) subscriber);
    starter.startStream(method, args, receiver);
  }

  @Override
  public String toString() {
    return "stream of " + method.descriptor().displayName();
  }
}
