/**
 * The codec SPI: how a wire format plugs into minirpc.
 *
 * <p>A codec module ships one {@link io.minirpc.codec.CodecProvider}, listed in {@code
 * META-INF/services/io.minirpc.codec.CodecProvider}. The core finds every installed provider with
 * {@link java.util.ServiceLoader} once, and users pick one by name with {@code minirpc.codec}.
 *
 * <p>The core asks a {@link io.minirpc.codec.Codec} for a {@link io.minirpc.codec.ValueWriter}
 * and a {@link io.minirpc.codec.ValueReader} for each parameter and return type of every service
 * method, once, when a service is registered or a proxy is created, and reuses them for every
 * call. Types are the generic {@link java.lang.reflect.Type}s of the method signature, so {@code
 * List<Byte>} stays {@code List<Byte>}. A codec decodes only into the types it was asked for and
 * the classes the user allowed: bytes from the network never choose a class.
 *
 * <p>Each value travels in its own length-prefixed slot. The core hands the codec a stream bounded
 * to that slot, so a reader that reads ahead cannot consume the next value, and {@code null} values
 * never reach the codec: the core writes them as an empty slot marker.
 */
package io.minirpc.codec;
