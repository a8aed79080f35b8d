package io.minirpc.internal.client;

import io.minirpc.RpcException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The future a caller holds, with the record of what the call's attempts did: where they went and
 * how many went again, which the retry policy ({@link Retries}) and the balancer (which avoids
 * servers already tried) read; and the hedged attempt racing the call. {@link PendingCall} is the
 * call, with its attempt on a connection; this part knows nothing of connections or queues. The
 * record is touched by one attempt at a time, except {@link #server()}.
 */
abstract class CallRecord extends CompletableFuture<Object> {
  /** The address of the server this attempt went to; null until the fleet chose one. */
  private volatile String server;
  /** Servers earlier attempts went to; null until a retry. */
  private List<String> tried;
  /** Attempts sent again after they failed unrun, and after they may have run. */
  private int unrunRetries;
  private int retries;
  /** The hedged second attempt racing this call, or null. */
  private volatile CompletableFuture<Object> hedge;
  /** This call's own attempt failed while its hedge still ran; guarded by this. */
  private RpcException parked;

  /** Whether something has taken the right to end the call (it may not be done yet). */
  abstract boolean ending();

  /** The address of the server this attempt went to, or null. */
  final String server() {
    return server;
  }

  /** The fleet chose the server at {@code address} for this attempt. */
  final void server(String address) {
    this.server = address;
  }

  /** Whether an earlier attempt of this call went to the server at {@code address}. */
  final boolean tried(String address) {
    List<String> t = tried;
    return t != null && t.contains(address);
  }

  /** Attempts sent again after they failed without running. */
  final int unrunRetries() {
    return unrunRetries;
  }

  /** Attempts sent again after they may have run (idempotent retries). */
  final int retries() {
    return retries;
  }

  /** Counts an attempt that goes again: {@code unrun} if the failed one did not run. */
  final void countRetry(boolean unrun) {
    if (unrun) {
      unrunRetries++;
    } else {
      retries++;
    }
  }

  /** Marks the server at {@code address} as tried, so that this (hedged) attempt goes elsewhere. */
  final void avoid(String address) {
    if (address != null) {
      tried = new ArrayList<>(2);
      tried.add(address);
    }
  }

  /** The attempt left its server to go again: the next goes elsewhere if it can. */
  final void leftServer() {
    String e = server;
    if (e != null) {
      if (tried == null) {
        tried = new ArrayList<>(2);
      }
      tried.add(e);
    }
  }

  /**
   * Races {@code h}, a second attempt of this call sent to another server: the first answer
   * ends the call and cancels the other attempt. A failure of one attempt that says nothing
   * about the call (its server unreachable, a timeout) waits for the other.
   */
  final void hedgeWith(CompletableFuture<Object> h) {
    hedge = h;
    if (ending()) { // ended meanwhile; cancelHedge() may not have seen it (both volatile)
      h.cancel(false);
      return;
    }
    h.whenComplete((value, error) -> {
      if (error == null) {
        complete(value);
        return;
      }
      if (error instanceof CancellationException) {
        return; // this call ended first and cancelled it
      }
      RpcException mine;
      synchronized (this) {
        mine = parked;
      }
      if (mine != null || AttemptFailure.isAnswer(error)) {
        completeExceptionally(error);
      }
    });
  }

  /**
   * This call's own attempt failed with {@code error} while its hedge still runs: the attempt is
   * taken off its server ({@code detach}) and the error kept, for the hedge may still answer; if
   * it fails too, that ends the call. False when there is no hedge running, or the call ended.
   */
  final boolean parkForHedge(RpcException error, BooleanSupplier detach) {
    CompletableFuture<Object> h = hedge;
    synchronized (this) {
      if (h != null && !h.isDone() && detach.getAsBoolean()) {
        parked = error;
        return true;
      }
    }
    return false;
  }

  /** The call ended: its hedge, if any, is cancelled. */
  final void cancelHedge() {
    CompletableFuture<Object> h = hedge;
    if (h != null) {
      h.cancel(false);
    }
  }
}
