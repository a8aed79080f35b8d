package io.minirpc.internal.protocol;

/**
 * A REQUEST the {@link FrameDecoder} skipped unread because it was larger than the connection may
 * send before it is authenticated: only its sequence number and length were read, so that the
 * server can refuse it with one answer, and its bytes were discarded as they arrived.
 *
 * @param sequence the request's sequence number
 * @param length its length field
 * @param limit the most a frame may be until the connection is authenticated
 */
public record UnreadRequest(long sequence, int length, int limit) {}
