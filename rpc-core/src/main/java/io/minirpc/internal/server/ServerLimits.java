package io.minirpc.internal.server;

import io.minirpc.internal.config.ServerConfig;
import io.minirpc.internal.config.ServerKeys;

/**
 * The limits a server holds its calls to, fixed when it starts.
 *
 * @param maxFrameSize the largest frame sent or accepted (minirpc.maxFrameSize)
 * @param sendStackTraces whether errors carry the implementation's stack trace
 * @param maxCallsPerConnection calls one connection may have running or queued
 * @param maxCalls calls the whole server may have open at once
 * @param maxQueuedBytes bytes that requests waiting for a worker may hold
 * @param executorLimits the worker pool's limits in words, for the refusal when it is full
 * @param maxRunningPerConnection workers one connection's calls may hold at once
 * @param maxMetadataSize bytes of metadata keys and values one request may carry
 * @param maxMetadataEntries metadata entries one request may carry
 * @param errorDetails whether undeclared exceptions reach callers with their class and message
 * @param compressionMinSize answer bodies smaller than this go uncompressed
 * @param maxStreamIdleNanos how long a method blocked on a client's stream waits for an item it
 *     asked for; 0 for ever (minirpc.server.maxStreamIdle)
 */
record ServerLimits(int maxFrameSize, boolean sendStackTraces, int maxCallsPerConnection,
    int maxCalls, long maxQueuedBytes, String executorLimits, int maxRunningPerConnection,
    int maxMetadataSize, int maxMetadataEntries, boolean errorDetails,
    int compressionMinSize, long maxStreamIdleNanos) {

  /**
   * The limits of a server with {@code settings}, and the two worked out at start: {@code
   * maxCalls} (the setting, or what the memory budget allows) and {@code maxRunning} (the
   * setting, or half the workers).
   */
  static ServerLimits of(ServerConfig settings, int maxCalls, int maxRunning) {
    return new ServerLimits(settings.maxFrameSize(), settings.sendStackTraces(),
        settings.maxCallsPerConnection(), maxCalls, settings.maxQueuedBytes(),
        ServerKeys.SERVER_THREADS.name() + "=" + settings.serverThreads() + ", "
            + ServerKeys.SERVER_QUEUE.name() + "=" + settings.serverQueue(), maxRunning,
        settings.maxMetadataSize(), settings.maxMetadataEntries(), settings.errorDetails(),
        settings.compressionMinSize(), settings.maxStreamIdle().toNanos());
  }
}
