package io.minirpc.listing;

import java.util.List;

/**
 * What a server serves, for tools that call it without the Java interfaces, such as {@code
 * minirpc list}, {@code describe} and {@code call}: gRPC's server reflection for minirpc. A
 * server serves it only when asked ({@code minirpc.server.listing=true}, or {@code
 * RpcServer.Builder.listing(true)}); with an {@code Authenticator}, its calls are authenticated
 * like any other's.
 *
 * <pre>{@code
 * ServiceListing listing = client.proxy(ServiceListing.class);
 * for (String service : listing.services()) {
 *   for (MethodDescription m : listing.describe(service).methods()) {
 *     log.info("{}: {}", service, m.signature());
 *   }
 * }
 * }</pre>
 */
public interface ServiceListing {
  /**
   * The services the caller may see.
   *
   * @return the binary names of every service the server serves, sorted, this one and health
   *     included; with an authenticator, only those the caller's credential may call
   */
  List<String> services();

  /**
   * One service's methods, sorted by key, each with its parameter and result types as JSON
   * Schema.
   *
   * @param service the binary name of a service, as {@link #services()} gives it
   * @return its description
   * @throws io.minirpc.RpcException with code {@code NOT_FOUND} if the server has no such service
   */
  ServiceDescription describe(String service);
}
