package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.RequestHeader;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.LogSafe;
import io.minirpc.metrics.Refusal;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes requests on the event loop: {@link Router routes} each from its header, lets {@link
 * Admission} refuse it before it costs a worker, and hands the admitted ones to the executor as
 * {@link InboundCall}s. Every request ends in exactly one RESPONSE or ERROR frame; a refusal here
 * is marked NOT_RUN.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final Router router;
  private final Serving serving;
  private final Executor executor;
  /** Refused authentications, counted against token guessing; null when nothing is counted. */
  private final AuthFailures authFailures;
  private final ServiceVisibility visibility;

  Dispatcher(Router router, Serving serving, Executor executor) {
    this(router, serving, executor, null);
  }

  Dispatcher(Router router, Serving serving, Executor executor, AuthFailures authFailures) {
    this.router = router;
    this.serving = serving;
    this.executor = executor;
    this.authFailures = authFailures;
    this.visibility = new ServiceVisibility(serving.authenticator());
  }

  /**
   * The HELLO for a client whose HELLO authenticated: {@code full}, or one with only the services
   * its credential may call.
   */
  Hello helloFor(ConnectionCalls connection, Hello theirs, Hello full) {
    return visibility.helloFor(full, connection.channel(), theirs.metadata());
  }

  /** Tells the server's observer, if any, of a refusal of a request whose method is unknown. */
  void refused(RpcException.Code code, Refusal reason) {
    serving.refused(null, code, reason);
  }

  /** The limits every call is held to. */
  ServerLimits limits() {
    return serving.limits();
  }

  /**
   * Whether the client's HELLO authenticates its connection: it does when there is no
   * authenticator, or when the authenticator accepts the handshake with the HELLO's metadata. A
   * refusal (or an authenticator failing by a bug, which is logged) costs the client only the
   * service details and large frames: its calls are still judged one by one.
   */
  boolean authenticates(ConnectionCalls connection, Hello hello) {
    Authenticator authenticator = serving.authenticator();
    if (authenticator == null) {
      return true;
    }
    try {
      authenticator.authenticate(RequestCaller.handshake(connection.channel(), hello.metadata()));
      return true;
    } catch (RpcException refusal) {
      countFailure(connection, refusal, hello.metadata());
      log.debug("The handshake from {} did not authenticate: {}",
          connection.channel().remoteAddress(), LogSafe.escape(refusal.getMessage(), 300));
      return false;
    } catch (RuntimeException bug) {
      log.error("The authenticator failed on the handshake from {}; withholding the service"
          + " details", connection.channel().remoteAddress(), bug);
      return false;
    }
  }

  /**
   * Null if the client's HELLO may be judged; else why it is refused unjudged: its address has
   * failed to authenticate too often lately. Always null without an authenticator.
   */
  String refusesHello(ConnectionCalls connection) {
    return serving.authenticator() == null || authFailures == null ? null
        : authFailures.refusesHello(connection.channel());
  }

  /**
   * An unknown caller, not one denied a service, is what guessing a credential looks like; a
   * HELLO or a request that presents no metadata at all guesses nothing (a client that adds its
   * token per call, by an interceptor, sends such a HELLO on every connection).
   */
  private void countFailure(ConnectionCalls connection, RpcException refusal,
      Map<String, String> presented) {
    if (authFailures != null && refusal.code() == RpcException.Code.UNAUTHENTICATED
        && !presented.isEmpty()) {
      authFailures.failed(connection);
    }
  }

  /**
   * Lets the authenticator, if any, refuse the request before its method is looked up or any
   * argument decoded; a request it accepts authenticates the connection, if its HELLO did not. An
   * authenticator that fails by a bug refuses with INTERNAL.
   */
  private void authenticate(ConnectionCalls connection, RequestHeader header) {
    Authenticator authenticator = serving.authenticator();
    if (authenticator == null) {
      return;
    }
    try {
      authenticator.authenticate(new RequestCaller(connection.channel(), header));
      connection.authenticated();
    } catch (RpcException refusal) {
      countFailure(connection, refusal, header.metadata());
      throw refusal;
    } catch (RuntimeException bug) {
      log.error("The authenticator failed on a call to {}; refusing it", LogSafe.escape(
          header.service() + "." + header.method(), 300), bug);
      throw new RpcException(RpcException.Code.INTERNAL, "the server could not authenticate the"
          + " call (its authenticator failed); see the server's log");
    }
  }

  /** Called on the event loop; takes ownership of {@code frame}. */
  void onRequest(ConnectionCalls connection, Frame frame) {
    long received = System.nanoTime();
    long seq = frame.sequence();
    RequestHeader header;
    ServerMethod method = null;
    Codecs.Entry codec = null;
    if (connection.inFlight(seq)) {
      frame.release();
      // Its answer could not be told from the first call's, and a table keyed by number would
      // lose count of the calls in flight: the limit per connection would not hold.
      throw new CorruptedFrameException("a request reuses sequence number " + seq
          + " while the call with that number is in flight");
    }
    ServerLimits limits = serving.limits();
    ConnectionMemory memory = connection.memory();
    long metadataBytes = 0;
    // Which check a refusal comes from, for the observer; Admission's refusals say it themselves.
    Refusal stage = Refusal.METADATA;
    try {
      int headerBytes = frame.header().readableBytes();
      header = RequestHeader.read(frame.header(), limits.maxMetadataSize(),
          limits.maxMetadataEntries());
      stage = Refusal.AUTHENTICATION;
      authenticate(connection, header);
      stage = Refusal.NOT_FOUND;
      method = router.method(header);
      codec = router.codec(frame.codecId(), frame.flags());
      MethodDescriptor streaming = method.descriptor();
      if ((streaming.streams() || streaming.inputStreams()) && !connection.client().streams()) {
        throw new RpcException(RpcException.Code.NOT_FOUND, "the server did not run "
            + method.descriptor().displayName() + ": it streams, and the client's"
            + " HELLO does not say it speaks streams (an older minirpc). Upgrade the client");
      }
      stage = Refusal.MEMORY;
      metadataBytes = metadataBytes(header, headerBytes);
      if (metadataBytes > 0) {
        // Held until the call is answered: it keeps its metadata, for RpcContext, that long. A
        // refusal, not a pause: the request is in memory already, and refusing frees it.
        int taken = memory.take(metadataBytes);
        if (taken != ConnectionMemory.TAKEN) {
          long refused = metadataBytes;
          metadataBytes = 0;
          throw memory.noRoomForMetadata(taken, refused);
        }
      }
      serving.admission().admit(method, connection.size(), frame.size());
    } catch (CorruptedFrameException e) {
      frame.release();
      throw e;
    } catch (RpcException refusal) {
      frame.release();
      if (metadataBytes > 0) {
        memory.release(metadataBytes);
      }
      if (refusal.code() == RpcException.Code.NOT_FOUND && log.isDebugEnabled()) {
        log.debug("Unknown method called from {}: {}", connection.channel().remoteAddress(),
            LogSafe.escape(refusal.getMessage(), 1000));
      }
      if (serving.observer() != null) {
        serving.refused(codec == null ? null : method, refusal.code(),
            refusal instanceof Refused ? ((Refused) refusal).reason()
                : stage == Refusal.NOT_FOUND && refusal.code() == RpcException.Code.CODEC
                    ? Refusal.CODEC : stage);
      }
      connection.refuse(seq, refusal);
      return;
    }
    // What decoding makes of the request lives as long as the call, the frame's bytes not: the
    // call keeps the heap's part of the frame's memory, four times the bytes of its arguments
    // (a decoded string takes up to twice its bytes, and G1 rounds a large array up to whole
    // regions), and the frame gives back the rest once it has been decoded.
    // The call itself is counted too, from the frame's reservation: a call that waits long for an
    // asynchronous result holds little else.
    long fixed = metadataBytes + frame.takeReserved(MemoryBudget.CALL_BYTES);
    CallMemory held = new CallMemory(memory, fixed,
        frame.takeReserved((MemoryBudget.REQUEST_FACTOR - 1L) * frame.body().readableBytes()));
    InboundCall call =
        new InboundCall(serving, connection, method, codec, header, frame, received, held);
    connection.add(seq, call);
    try {
      connection.execute(call, executor);
    } catch (RejectedExecutionException e) {
      frame.release();
      held.release();
      connection.remove(seq, call);
      log.debug("Executor full; refusing {}", method.descriptor().displayName());
      RpcException refusal = serving.admission().rejected(frame.size());
      serving.refused(method, refusal.code(), Refusal.WORKER_QUEUE);
      connection.refuse(seq, refusal);
    }
  }

  /**
   * What a request's parsed metadata holds on the heap: its characters, counted at two bytes
   * each as the header's bytes (a bound: a string takes at most two bytes per UTF-8 byte), and
   * {@link MemoryBudget#METADATA_ENTRY_BYTES} for each entry's objects.
   */
  private static long metadataBytes(RequestHeader header, int headerBytes) {
    int entries = header.metadata().size();
    return entries == 0 ? 0 : 2L * headerBytes + (long) entries * MemoryBudget.METADATA_ENTRY_BYTES;
  }
}
