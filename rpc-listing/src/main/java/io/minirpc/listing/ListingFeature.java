package io.minirpc.listing;

import io.minirpc.runtime.ServerFeature;
import io.minirpc.runtime.ServiceCatalog;

/**
 * Serves {@link ServiceListing} on a server built with {@code minirpc.server.listing=true}; the
 * runtime finds it through {@link java.util.ServiceLoader}. Not for applications to call.
 */
public final class ListingFeature implements ServerFeature {
  /** Made by {@link java.util.ServiceLoader}. */
  public ListingFeature() {}

  @Override
  public String key() {
    return "minirpc.server.listing";
  }

  @Override
  public Class<?> service() {
    return ServiceListing.class;
  }

  @Override
  public Object implementation(ServiceCatalog catalog) {
    return new ListingService(catalog);
  }
}
