package io.minirpc.listing;

import java.util.List;

/**
 * A service as {@link ServiceListing#describe} tells it.
 *
 * @param name the interface's binary name, which requests name: {@code com.example.Orders}
 * @param methods its remote methods, sorted by key
 */
public record ServiceDescription(String name, List<MethodDescription> methods) {}
